// pymalloc, CPython's small-object allocator (Objects/obmalloc.c), and the object allocator entry points
// PyObject_Malloc / PyObject_Free that the `pymalloc` layer switches between it and the system allocator.
//
// Requests of 1..512 bytes are served from 16-byte size classes. Each size class has a list of *used
// pools* (usedpools): 16 KiB pages carved into equal blocks, with a singly linked list of free blocks
// threaded through the blocks themselves (freeblock). Pools live in 1 MiB arenas obtained with mmap; a
// three-level radix tree over the address space (arena_map_root/mid/bot) tells whether an address belongs
// to an arena, which is how PyObject_Free knows a pymalloc block from a malloc'ed one. These are the
// geometry and the address test of CPython 3.10 to 3.13 on 64-bit Linux (docs/allocator.md says what
// 3.6 differs in). Larger requests go to malloc, as in CPython.
//
// With the `pymalloc` layer off, PyObject_Malloc calls malloc (what PYTHONMALLOC=malloc does to CPython).
// A block is always returned to the allocator it came from, whatever the layer says when it is freed.
#ifndef DISPATCHLAB_CORE_OBMALLOC_H_
#define DISPATCHLAB_CORE_OBMALLOC_H_

#include <cstddef>
#include <cstdint>

namespace dispatchlab {

// CPython's constants (Objects/obmalloc.c, 64-bit, 3.10+).
inline constexpr size_t ALIGNMENT = 16;
inline constexpr unsigned ALIGNMENT_SHIFT = 4;
inline constexpr size_t SMALL_REQUEST_THRESHOLD = 512;
inline constexpr unsigned NB_SMALL_SIZE_CLASSES = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
inline constexpr unsigned POOL_BITS = 14;
inline constexpr size_t POOL_SIZE = size_t{1} << POOL_BITS;  // 16 KiB
inline constexpr unsigned ARENA_BITS = 20;
inline constexpr size_t ARENA_SIZE = size_t{1} << ARENA_BITS;  // 1 MiB

// Allocates `nbytes` for an object: pymalloc for small requests when the `pymalloc` layer is on,
// malloc otherwise. nullptr when memory is exhausted (no error is set: the caller raises MemoryError).
void* PyObject_Malloc(size_t nbytes);
// Frees a block from PyObject_Malloc (nullptr is ignored).
void PyObject_Free(void* p);

// Parks one block in every size class for the life of the process (idempotent; InitCoreTypes calls it).
// A running CPython holds tens of thousands of objects of every small size (code constants, strings,
// dictionaries), so the pool serving a size class never empties in a steady loop; the model's
// interpreter holds few objects of its own, and without these blocks a loop that allocates and frees
// one object would unmap-and-refill a pool per element (allocate_from_new_pool + insert_to_freepool),
// work CPython does not do. docs/allocator.md, "The resident heap".
void PymallocInitResidentHeap();

// Introspection for tests and docs: arenas currently mapped, pools in use, blocks handed out and not
// yet freed by pymalloc.
struct PymallocStats {
  size_t arenas = 0;
  size_t pools_in_use = 0;
  size_t blocks_in_use = 0;
};
PymallocStats GetPymallocStats();
// True when `p` lies in one of pymalloc's arenas (the radix-tree test of address_in_range).
bool PymallocOwns(const void* p);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_OBMALLOC_H_
