// ctypes arrays (CPython: Modules/_ctypes/_ctypes.c, Array_* and PyCArrayType_from_ctype).
//
// `c_int * n` creates, on first use and cached by (item type, n), a heap subtype of `Array` through
// TypeNew, so the slot table gives it a generic sq_ass_item (slot_sq_ass_item) while mp_ass_subscript
// stays Array_ass_subscript. Instances point at a buffer: a shared heap block (RawArray) or private
// memory (plain ctypes). The two seed paths meet here: Array_init stores each initializer through
// PySequence_SetItem (the trampoline); slice assignment calls Array_ass_item directly.
#ifndef DISPATCHLAB_DISPATCH_CTYPES_ARRAY_H_
#define DISPATCHLAB_DISPATCH_CTYPES_ARRAY_H_

#include "core/object.h"
#include "core/shared_heap.h"
#include "dispatch/ctypes_types.h"

namespace dispatchlab {

struct CDataObject {
  Object ob_base;
  char* b_ptr;
  bool b_needsfree;  // private memory this object frees
  Py_ssize_t b_length;
  Py_ssize_t b_size;
  SharedHeap* b_heap;  // a shared heap block this object returns on dealloc (RawArray's BufferWrapper)
  Block b_block;
};
extern TypeObject PyCArray_Type;  // _ctypes.Array

inline CDataObject* AsCData(Object* o) { return reinterpret_cast<CDataObject*>(o); }
inline bool PyCArray_Check(const Object* o) {
  return Py_TYPE(o)->tp_base == &PyCArray_Type || Py_TYPE(o) == &PyCArray_Type;
}

// `itemtype * length`: the cached array type, created on first use. nullptr with ValueError
// "Array length must be >= 0, not N" or OverflowError "array too large".
TypeObject* PyCArrayType_from_ctype(TypeObject* itemtype, Py_ssize_t length);

// GenericPyCData_new: an instance with private memory, zero-filled (PyCData_MallocBuffer + memset).
Object* GenericPyCData_new(TypeObject* type);
// from_buffer: an instance over a heap block it takes ownership of (freed back to `heap` on dealloc).
Object* PyCData_FromHeapBlock(TypeObject* type, SharedHeap* heap, const Block& block);

// The C slots of Array. The store functions are the work that remains with every layer off: they live in
// namespace `essential`, which profilers treat as the boundary of a layer's share (docs/perf.md).
namespace essential {
int Array_init(Object* self, Object* args, Object* kwds);
int Array_ass_item(Object* self, Py_ssize_t index, Object* value);
int Array_ass_subscript(Object* self, Object* item, Object* value);
// dispatchlab: __init__'s loop reading the source directly (the `args_tuple` layer off). The same
// per-element store as Array_init; when every per-element layer is off and the source is an int64
// numpy-like array, the loop is the plain typed store loop (docs/layers.md, "Switches that cost nothing").
int ArrayInitFromSequence(Object* self, Object* source);
// dispatchlab: the two loops above over one range of the array, the code they run themselves (with
// begin = 0): initializer j (of the tuple `args`, or of the sequence `source`) is stored at index
// begin + j, through the trampoline or directly (patch A), or as one slice under patch B. What a worker of
// `dispatchlab mp` runs on its slice [begin, begin + len); -1 with IndexError "invalid index" past the end.
int ArrayInitRange(Object* self, Object* args, Py_ssize_t begin);
int ArrayInitFromSequenceRange(Object* self, Object* source, Py_ssize_t begin);
}  // namespace essential
using essential::Array_ass_item;
using essential::Array_ass_subscript;
using essential::Array_init;
using essential::ArrayInitFromSequence;
using essential::ArrayInitFromSequenceRange;
using essential::ArrayInitRange;
Object* Array_item(Object* self, Py_ssize_t index);
Object* Array_subscript(Object* self, Object* item);
Py_ssize_t Array_length(Object* self);

// True when no per-element layer between a loop and the buffer is on (boxing, setfunc, conversion,
// type_data): the chain reduces to a typed store loop.
bool DirectElementPath();

// Which body Array_init runs: CPython's per-element loop, or the seed's patch B (one slice assignment,
// PySequence_SetSlice(self, 0, n, args)). A build variant of the interpreter, set by the
// sct_init_setslice scenario for the length of its call (through ScopedArrayInitBody).
enum class ArrayInitBody { kPerElement, kOneSlice };
void SetArrayInitBody(ArrayInitBody body);
ArrayInitBody GetArrayInitBody();

// Installs `body` for the guard's lifetime and restores the previous one (as ScopedLayers does for the
// layer switches), so an early return or an exception never leaves the interpreter patched.
class ScopedArrayInitBody {
 public:
  explicit ScopedArrayInitBody(ArrayInitBody body) : saved_(GetArrayInitBody()) { SetArrayInitBody(body); }
  ~ScopedArrayInitBody() { SetArrayInitBody(saved_); }
  ScopedArrayInitBody(const ScopedArrayInitBody&) = delete;
  ScopedArrayInitBody& operator=(const ScopedArrayInitBody&) = delete;

 private:
  ArrayInitBody saved_;
};

void InitCtypesArrayType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_CTYPES_ARRAY_H_
