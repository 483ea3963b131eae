// The run functions of the scenario table (one call of the modeled Python expression each). The patches
// are not here: a scenario row names its patched interpreter (forced_off, array_init), and
// ScopedScenarioInterpreter installs it around these calls.
#ifndef DISPATCHLAB_EXPERIMENTS_SCENARIO_RUNS_H_
#define DISPATCHLAB_EXPERIMENTS_SCENARIO_RUNS_H_

#include "experiments/scenarios/scenario_io.h"

namespace dispatchlab::scenario_runs {

bool SctInit(const ScenarioInput& in, ScenarioResult* out);       // RawArray(c_int, l)
bool SctSubscript(const ScenarioInput& in, ScenarioResult* out);  // RawArray(c_int, n); sh[:] = l
bool CtInit(const ScenarioInput& in, ScenarioResult* out);        // (c_int * n)(*l)
bool CtSubscript(const ScenarioInput& in, ScenarioResult* out);   // (c_int * n)(); a[:] = l
bool SctSubscriptTuple(const ScenarioInput& in, ScenarioResult* out);
bool SctInitList(const ScenarioInput& in, ScenarioResult* out);
bool SctInitTuple(const ScenarioInput& in, ScenarioResult* out);  // RawArray(c_int, tuple(lst))
bool SctSubscriptList(const ScenarioInput& in, ScenarioResult* out);
bool SctBufferCopy(const ScenarioInput& in, ScenarioResult* out);
bool SctBufferConvert(const ScenarioInput& in, ScenarioResult* out);
bool SctAlloc(const ScenarioInput& in, ScenarioResult* out);
// The override scenarios: `Hooked`, a subclass of c_int * n whose __setitem__ is a Python function
// calling Array.__setitem__ (experiments/scenarios/override_class.h), through RawArray's body.
bool SctInitOverride(const ScenarioInput& in, ScenarioResult* out);       // sh.__init__(*l)
bool SctSubscriptOverride(const ScenarioInput& in, ScenarioResult* out);  // sh[:] = l
bool PlainLoop(const ScenarioInput& in, ScenarioResult* out);
bool Memcpy(const ScenarioInput& in, ScenarioResult* out);

}  // namespace dispatchlab::scenario_runs

#endif  // DISPATCHLAB_EXPERIMENTS_SCENARIO_RUNS_H_
