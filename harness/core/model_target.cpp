// The model behind the Target interface: answers are built as a target would send them.
#include "harness/core/model_target.h"

namespace savefuzz {
namespace {

Json wire_answer(const Response& r) {
  Json j = to_json(r);
  j["id"] = 0;
  if (r.error) j["error"]["message"] = "predicted by the model";
  return j;
}

}  // namespace

std::optional<TargetFault> ModelTarget::start() {
  model_ = Model(limits_);
  return std::nullopt;
}

Response ModelTarget::answer(const Json& request, bool apply) {
  auto typed = decode_request(request);
  if (std::holds_alternative<Malformed>(typed)) return Model::malformed();
  if (!apply) {
    Model dry = model_;
    return dry.apply(std::get<Request>(typed));
  }
  return model_.apply(std::get<Request>(typed));
}

Reply ModelTarget::call(const Json& request) { return wire_answer(answer(request, true)); }

std::optional<TargetFault> ModelTarget::crash_during(const Json& request, const CrashAt&) {
  answer(request, apply_crashed_);
  return std::nullopt;
}

Reply ModelTarget::call_with_fault(const Json& request, const StorageFault&, bool& fired) {
  auto typed = decode_request(request);
  const Request* r = std::get_if<Request>(&typed);
  Response would = answer(request, false);
  fired = r && spec(r->op).mutating && would.ok();
  if (fired) return wire_answer(Response::failure(ErrorCode::unavailable));
  return wire_answer(answer(request, true));
}

}  // namespace savefuzz
