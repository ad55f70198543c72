// A version too low with the fields right, after saves that wrote nothing new, reads the same
// whether those saves were lost (ack-durable) or the version was set back (version-monotonic).
// The classifier names it ack-durable (classify.h, History::lost_saves_show_only_in_version);
// running the scenario again with every save writing a value of its own tells the two apart.
#pragma once

#include <functional>
#include <optional>

#include "harness/core/runner.h"
#include "harness/core/scenario.h"

namespace savefuzz {

// Whether `f` is that reading: ack-durable at a read of an observation whose fields are those of
// an allowed answer and whose version is not.
bool loss_shows_only_in_version(const Finding& f);

// `s` with each save (a request step, or the request of a crash_during) writing "v<step>" to each
// field it names, so that no save writes what a field already holds.
Scenario with_new_values(const Scenario& s);

// For a finding that loss_shows_only_in_version: runs with_new_values(s) with `run`, and when that
// run fails as version-monotonic (the saves' values stayed: the version was set back), renames `f`
// so and says why in its detail. False, `f` unchanged, when the question does not arise or the
// run does not settle it (the saves were lost, or it failed otherwise).
bool settle_version_loss(const Scenario& s, Finding& f, const std::function<RunResult(const Scenario&)>& run);

}  // namespace savefuzz
