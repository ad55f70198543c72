// The pass-through Env.
#include "targets/records/env.h"

#include <thread>

namespace records {

void Env::pause(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

Env& Env::standard() {
  static Env env;
  return env;
}

}  // namespace records
