// Start-up of the whole simulated interpreter: the core types, the descriptor types and ctypes, each
// readied through the slot table (add_operators). Call InitRuntime() before using anything in dispatch/.
#ifndef DISPATCHLAB_DISPATCH_RUNTIME_H_
#define DISPATCHLAB_DISPATCH_RUNTIME_H_

#include "absl/status/status.h"

namespace dispatchlab {

// Idempotent.
void InitRuntime();

// Returns parked tuples to the allocator and empties the method cache, so that allocations and frees
// balance and the next run starts cold.
void ReleaseCaches();

// OK when no object is alive and no error is pending; otherwise FailedPrecondition naming what leaked.
absl::Status CheckNothingAlive();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_RUNTIME_H_
