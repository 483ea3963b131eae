// multiprocessing.sharedctypes.RawArray and plain ctypes array construction, the entry points of the
// seed's four cases (CPython: Lib/multiprocessing/sharedctypes.py, ctypes' type_call).
//
//   RawArray(c_int, n)       RawArrayOfSize: a heap block, zero-filled (`zero_fill` layer)
//   RawArray(c_int, source)  RawArrayFrom: a heap block, then result.__init__(*source): one bound
//                            method-wrapper, the n-tuple of initializers (`args_tuple`), Array_init
//   (c_int * n)()            CtypesArrayOfSize: private zeroed memory
//   (c_int * n)(*source)     CtypesArrayFrom: private memory, tp_init called directly with the tuple
#ifndef DISPATCHLAB_DISPATCH_SHAREDCTYPES_H_
#define DISPATCHLAB_DISPATCH_SHAREDCTYPES_H_

#include "core/object.h"
#include "core/shared_heap.h"

namespace dispatchlab {

// Each returns a new reference, or nullptr with an error (MemoryError / OSError naming the heap's
// failure, the errors of Array_init, ...). The shared ones allocate from DefaultHeap().
Object* RawArrayOfSize(TypeObject* itemtype, Py_ssize_t n);
Object* RawArrayFrom(TypeObject* itemtype, Object* initializer);
// RawArray's body once it has its ctypes type: `_new_value(type)` zero-filled, or `_new_value(type)`
// then `result.__init__(*initializer)`. RawArrayOfSize/RawArrayFrom call them with `itemtype * n`; the
// override scenarios with a subclass of it (experiments/scenarios/override_class.h).
Object* RawArrayOfType(TypeObject* type);
Object* RawArrayFromType(TypeObject* type, Object* initializer);
// RawArrayFromType's initialisation restricted to elements [begin, begin + len(initializers)) of an existing
// `array`, as one worker of `dispatchlab mp` runs it on its slice: with `args_tuple` on, the initializers
// are packed into a tuple and Array_init's loop stores them (ArrayInitRange); off, ArrayInitFromSequence's
// loop reads them one at a time (ArrayInitFromSequenceRange). What happens once per call is left out:
// result.__init__ bound (a lookup and a method-wrapper) and called (a generic call). 0, or -1 with the
// error of the store.
int RawArrayInitRange(Object* array, Object* initializers, Py_ssize_t begin);
Object* CtypesArrayOfSize(TypeObject* itemtype, Py_ssize_t n);
Object* CtypesArrayFrom(TypeObject* itemtype, Object* initializer);

namespace layers::zero_fill {
// ctypes.memset(addressof(obj), 0, sizeof(obj)).
void ZeroFill(char* ptr, size_t size);
}  // namespace layers::zero_fill

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_SHAREDCTYPES_H_
