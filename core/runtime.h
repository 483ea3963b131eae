// Start-up and accounting of the core object model: readies the built-in types once, and reports what is
// alive (objects, parked tuples) so tests and the CLI can check that a run leaked nothing.
#ifndef DISPATCHLAB_CORE_RUNTIME_H_
#define DISPATCHLAB_CORE_RUNTIME_H_

#include <string>
#include <vector>

#include "core/object.h"

namespace dispatchlab {

// Readies object, type, None, int, float, str, tuple, list, slice, memoryview, ndarray and the scalar,
// code, function, method and frame.
// Idempotent. (dispatch/runtime.h adds the slot-table work on top: call dispatch's InitRuntime instead.)
void InitCoreTypes();

// The core types, for the layers above that add operators to each.
const std::vector<TypeObject*>& CoreTypes();

// "tuple: 3, numpy.int64: 1" for every type with live instances; empty when nothing is alive.
std::string DescribeLiveObjects();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_RUNTIME_H_
