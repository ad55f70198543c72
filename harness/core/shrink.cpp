// Delta debugging over steps, then value simplification, each candidate re-run against a fresh
// target and kept only when it fails with the same signature.
#include "harness/core/shrink.h"

#include <set>

namespace savefuzz {
namespace {

// Changes the JSON a step sends and re-reads its typed form.
template <class Edit>
void edit_wire(Step& step, Edit edit) {
  Call* call = step.call();
  edit(call->wire);
  *call = Call::of(call->wire);
}

// The same step made simpler, where its kind allows: a request without its storage fault, with
// the fault at an earlier call, or without its expect; a crash_during as the plain request (the
// crash was not needed), as a plain crash (the request was not needed), or at an earlier sync; a
// power loss as a plain crash (losing unsynced writes was not needed).
std::vector<Step> simpler_steps(const Step& step) {
  return std::visit(overloaded{[](const RequestStep& r) -> std::vector<Step> {
                                 std::vector<Step> out;
                                 if (r.fault) {
                                   out.push_back(Step::request(r.call, r.expect));
                                   if (r.fault->n > 1) {
                                     StorageFault earlier = *r.fault;
                                     --earlier.n;
                                     out.push_back(Step::request(r.call, r.expect, earlier));
                                   }
                                 }
                                 if (r.expect) out.push_back(Step::request(r.call, std::nullopt, r.fault));
                                 return out;
                               },
                               [](const CrashDuringStep& c) -> std::vector<Step> {
                                 std::vector<Step> out{Step::request(c.call), Step::crash()};
                                 if (c.at_sync && *c.at_sync > 1) out.push_back(Step::crash_during(c.call, *c.at_sync - 1));
                                 return out;
                               },
                               [](const PowerLossStep&) -> std::vector<Step> { return {Step::crash()}; },
                               [](const auto&) -> std::vector<Step> { return {}; }},
                    step.body);
}

// Whether `key` is an optional key of `r`'s op (the row says), so dropping it keeps a request.
bool optional_key(const Request* r, const std::string& key) {
  auto k = key_from_name(key);
  const KeyUse* use = r && k ? spec(r->op).use(*k) : nullptr;
  return use && !use->required();
}

// After removing an acknowledged save, later saves of the same appointment that name a
// base_version expect one version less: keep them pointing where they pointed.
void renumber_after_removed_save(Scenario& s, std::size_t removed_at, const Json& removed) {
  if (removed.value("op", "") != "save_observation" || !removed.contains("appointment")) return;
  for (std::size_t i = removed_at; i < s.steps.size(); ++i) {
    Call* call = s.steps[i].call();
    if (!call || call->wire.value("op", "") != "save_observation") continue;
    if (call->wire.value("appointment", Json()) != removed["appointment"]) continue;
    if (!call->wire.contains("base_version") || !call->wire["base_version"].is_number_integer()) continue;
    edit_wire(s.steps[i], [](Json& w) { w["base_version"] = w["base_version"].get<std::int64_t>() - 1; });
  }
}

class Shrinker {
 public:
  Shrinker(const Signature& sig, const std::function<std::optional<Signature>(const Scenario&)>& fails,
           const ShrinkOptions& options)
      : sig_(sig), fails_(fails), options_(options) {}

  bool out_of_budget() const {
    return runs_ >= options_.max_runs || std::chrono::steady_clock::now() >= options_.deadline ||
           (options_.stop && options_.stop());
  }

  // Keeps `candidate` when it still fails the same way.
  bool accept(Scenario& best, Scenario candidate) {
    if (out_of_budget()) return false;
    // An edit that changed nothing is no progress (and would loop forever).
    if (scenario_to_json(candidate) == scenario_to_json(best)) return false;
    ++runs_;
    auto got = fails_(candidate);
    if (!got || !same_bug(sig_, *got)) return false;
    sig_ = *got;
    best = std::move(candidate);
    return true;
  }

  bool remove_steps(Scenario& s) {
    bool changed = false;
    for (std::size_t chunk = std::max<std::size_t>(1, s.steps.size() / 2); chunk >= 1; chunk /= 2) {
      // From the end: later steps depend on earlier ones, so they go first.
      for (std::size_t end = s.steps.size(); end >= chunk && !out_of_budget();) {
        Scenario c = s;
        c.steps.erase(c.steps.begin() + static_cast<long>(end - chunk), c.steps.begin() + static_cast<long>(end));
        bool ok = accept(s, c);
        if (!ok && chunk == 1 && s.steps[end - 1].is_request()) {
          renumber_after_removed_save(c, end - 1, s.steps[end - 1].call()->wire);
          ok = accept(s, std::move(c));
        }
        if (ok) {
          changed = true;
          end = std::min(end - chunk, s.steps.size());
        } else {
          end -= 1;
        }
        if (end < chunk) break;
      }
      if (chunk == 1) break;
    }
    return changed;
  }

  // Shortest prefix length of `text` (binary search) that still fails; UTF-8 boundaries kept.
  bool shorten_text(Scenario& s, std::size_t step, const std::function<std::string*(Scenario&)>& slot) {
    std::string original = *slot(s);
    if (original.empty()) return false;
    auto with = [&](std::size_t len) {
      Scenario c = s;
      std::string t = original.substr(0, len);
      while (!t.empty() && (static_cast<unsigned char>(original[t.size()]) & 0xC0) == 0x80 && t.size() < original.size())
        t.pop_back();
      edit_wire(c.steps[step], [&](Json&) { *slot(c) = t; });
      return c;
    };
    if (accept(s, with(0))) return true;
    std::size_t lo = 0, hi = original.size();  // lo passes, hi fails
    bool changed = false;
    while (hi - lo > 1 && !out_of_budget()) {
      std::size_t mid = lo + (hi - lo) / 2;
      if (accept(s, with(mid))) {
        hi = mid;
        changed = true;
      } else {
        lo = mid;
      }
    }
    return changed;
  }

  bool simplify(Scenario& s) {
    bool changed = false;
    for (std::size_t i = 0; i < s.steps.size() && !out_of_budget(); ++i) {
      for (Step& simpler : simpler_steps(s.steps[i])) {
        Scenario c = s;
        c.steps[i] = std::move(simpler);
        if (accept(s, std::move(c))) {
          changed = true;
          break;
        }
      }
      if (!s.steps[i].call()) continue;
      // Drop keys one at a time (optional keys, observation fields).
      Json wire = s.steps[i].call()->wire;
      for (const auto& [key, value] : wire.items()) {
        if (key == "op") continue;
        if (key == "fields" && value.is_object() && value.size() > 1) {
          for (const auto& [field, text] : value.items()) {
            Scenario c = s;
            edit_wire(c.steps[i], [&, f = field](Json& w) { w["fields"].erase(f); });
            changed |= accept(s, std::move(c));
          }
        }
        if (optional_key(s.steps[i].call()->request(), key)) {
          Scenario c = s;
          edit_wire(c.steps[i], [&, k = key](Json& w) { w.erase(k); });
          changed |= accept(s, std::move(c));
        }
      }
      // Shorten every text of the request.
      Json now = s.steps[i].call()->wire;
      for (const auto& [key, value] : now.items()) {
        if (value.is_string() && key != "op" && value.get<std::string>().size() > 1 && !is_id_key(key)) {
          changed |= shorten_text(s, i, [i, k = key](Scenario& sc) { return sc.steps[i].call()->wire[k].get_ptr<std::string*>(); });
        }
        if (key == "fields" && value.is_object()) {
          for (const auto& [field, text] : value.items())
            if (text.is_string() && text.get<std::string>().size() > 1)
              changed |= shorten_text(s, i, [i, f = field](Scenario& sc) {
                return sc.steps[i].call()->wire["fields"][f].get_ptr<std::string*>();
              });
        }
      }
    }
    return changed;
  }

  // Merges one entity into another: every use of id `from` becomes `to` (an earlier id). Fewer
  // distinct entities let the next removal pass drop the steps that made the extra one.
  bool merge_ids(Scenario& s) {
    std::set<std::string> ids;
    auto collect = [&](const Json& w) {
      for (const auto& [k, v] : w.items())
        if (names_entity(k) && v.is_string()) ids.insert(v.get<std::string>());
    };
    for (const auto& st : s.steps)
      if (st.call()) collect(st.call()->wire);
    bool changed = false;
    for (auto from = ids.rbegin(); from != ids.rend() && !out_of_budget(); ++from) {
      for (auto to = ids.begin(); to != ids.end() && *to < *from; ++to) {
        Scenario c = s;
        for (auto& st : c.steps) {
          if (!st.call()) continue;
          edit_wire(st, [&](Json& w) {
            for (auto& [k, v] : w.items())
              if (names_entity(k) && v == *from) v = *to;
          });
        }
        if (accept(s, std::move(c))) {
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  // Gives a step the start of another step. Texts shrink by shortening, but a start must stay a
  // date: reusing one already in the scenario can make a step a no-op (a booking at the time a
  // later update moves it to), which the next removal pass then drops.
  bool reuse_starts(Scenario& s) {
    std::set<std::string> starts;
    for (const auto& st : s.steps)
      if (st.call() && st.call()->wire.contains("start") && st.call()->wire["start"].is_string())
        starts.insert(st.call()->wire["start"].get<std::string>());
    bool changed = false;
    for (std::size_t i = 0; i < s.steps.size() && !out_of_budget(); ++i) {
      if (!s.steps[i].call() || !s.steps[i].call()->wire.contains("start")) continue;
      for (const auto& start : starts) {
        if (s.steps[i].call()->wire["start"] == start) continue;
        Scenario c = s;
        edit_wire(c.steps[i], [&](Json& w) { w["start"] = start; });
        if (accept(s, std::move(c))) {
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  std::size_t runs() const { return runs_; }
  const Signature& signature() const { return sig_; }

 private:
  static bool names_entity(const std::string& key) {
    auto k = key_from_name(key);
    return k && key_type(*k) == ValueType::id;
  }
  static bool is_id_key(const std::string& key) {
    auto k = key_from_name(key);
    return !k || key_type(*k) != ValueType::text;
  }

  Signature sig_;
  const std::function<std::optional<Signature>(const Scenario&)>& fails_;
  ShrinkOptions options_;
  std::size_t runs_ = 0;
};

}  // namespace

bool same_bug(const Signature& wanted, const Signature& got) {
  if (got == wanted) return true;
  // A value lost or altered shows at a read, or at a write whose answer depends on it (a creation
  // a crash lost answers not_found to the next write that names it): the same bug. Catch-all
  // invariants stay tied to their kind of step.
  auto data_step = [](const Signature& s) {
    return (s.step_kind == "read" || s.step_kind == "write") && s.invariant != Invariant::explicit_errors &&
           s.invariant != Invariant::protocol && s.invariant != Invariant::target_alive &&
           s.invariant != Invariant::scenario_expect;
  };
  if (got.step_kind != wanted.step_kind && !(data_step(wanted) && data_step(got))) return false;
  if (got.invariant == wanted.invariant) return true;
  auto lost_by_step = [](Invariant i) {
    return i == Invariant::appointment_update_preserves_observation || i == Invariant::share_preserves_observation;
  };
  switch (wanted.invariant) {
    case Invariant::all_or_nothing: return got.invariant == Invariant::ack_durable || lost_by_step(got.invariant);
    case Invariant::ack_durable: return lost_by_step(got.invariant);
    // And back: a loss named for a share or an update that stays once the scenario no longer
    // shares (or updates) as it did was not that step's doing; it is an acknowledged value lost.
    // Without this, a share that happened to come first would name a loss it plays no part in.
    case Invariant::share_preserves_observation:
    case Invariant::appointment_update_preserves_observation: return got.invariant == Invariant::ack_durable;
    default: return false;
  }
}

std::string step_kind_of(const Json& step) {
  if (!step.is_object() || step.contains("control")) return "control";
  auto op = op_from_name(step.value("op", ""));
  if (!op || std::holds_alternative<Malformed>(decode_request(step))) return "malformed";
  return spec(*op).mutating ? "write" : "read";
}

ShrinkResult shrink(const Scenario& failing, const Signature& signature,
                    const std::function<std::optional<Signature>(const Scenario&)>& fails, const ShrinkOptions& options) {
  Shrinker sh(signature, fails, options);
  Scenario best = failing;
  for (bool changed = true; changed && !sh.out_of_budget();) {
    changed = sh.remove_steps(best);
    changed |= sh.merge_ids(best);
    changed |= sh.remove_steps(best);
    changed |= sh.simplify(best);
    // Only when nothing else helps: every try costs a run per start in the scenario.
    if (!changed) changed = sh.reuse_starts(best) && sh.remove_steps(best);
  }
  return {std::move(best), sh.runs(), sh.signature()};
}

}  // namespace savefuzz
