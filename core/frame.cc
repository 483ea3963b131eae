#include "core/frame.h"

#include <cstdlib>
#include <cstring>

#include "core/errors.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyFrame_Type;

namespace {

// ---- the data stack (3.11) ----
constexpr size_t kDataStackChunkSize = 16 * 1024;  // DATA_STACK_CHUNK_SIZE
constexpr size_t kFrameSpecials = offsetof(_PyInterpreterFrame, localsplus) / sizeof(Object*);

struct _PyStackChunk {
  _PyStackChunk* previous;
  size_t size;  // bytes, header included
  size_t top;   // where the data stack stood in this chunk when a newer chunk was pushed
  Object* data[1];
};

_PyStackChunk* g_chunk = nullptr;
Object** g_datastack_top = nullptr;
Object** g_datastack_limit = nullptr;
size_t g_chunk_bytes = 0;

// push_chunk: a new chunk big enough for `words`, linked to the current one. The first (root) chunk
// skips its first slot, so that popping a frame never frees it: the thread keeps it for its life.
Object** PushChunk(size_t words) {
  size_t bytes = kDataStackChunkSize;
  while (bytes < (words + 4) * sizeof(Object*)) bytes *= 2;
  auto* chunk = static_cast<_PyStackChunk*>(std::malloc(bytes));
  if (chunk == nullptr) {
    PyErr_SetString(ExcKind::kMemoryError, "");
    return nullptr;
  }
  chunk->previous = g_chunk;
  chunk->size = bytes;
  chunk->top = 0;
  if (g_chunk != nullptr) g_chunk->top = static_cast<size_t>(g_datastack_top - &g_chunk->data[0]);
  g_chunk = chunk;
  g_chunk_bytes += bytes;
  g_datastack_limit = reinterpret_cast<Object**>(reinterpret_cast<char*>(chunk) + bytes);
  Object** base = &chunk->data[chunk->previous == nullptr ? 1 : 0];
  g_datastack_top = base + words;
  return base;
}

// ---- frame objects (3.6) ----
constexpr int kFrameMaxFreeList = 200;  // PyFrame_MAXFREELIST
PyFrameObject* g_free_list = nullptr;
int g_numfree = 0;

void frame_dealloc(Object* o);

}  // namespace

size_t FrameSizeInWords(const PyCodeObject* code) {
  return kFrameSpecials + static_cast<size_t>(code->co_nlocals + code->co_stacksize);
}

_PyInterpreterFrame* _PyThreadState_BumpFramePointer(size_t words) {
  Object** base = g_datastack_top;
  if (base != nullptr && static_cast<size_t>(g_datastack_limit - base) >= words) {
    g_datastack_top = base + words;
  } else {
    base = PushChunk(words);
    if (base == nullptr) return nullptr;
  }
  return reinterpret_cast<_PyInterpreterFrame*>(base);
}

void _PyThreadState_PopFrame(_PyInterpreterFrame* frame) {
  Object** base = reinterpret_cast<Object**>(frame);
  if (base == &g_chunk->data[0]) {  // the first frame of a chunk that is not the root: free the chunk
    _PyStackChunk* chunk = g_chunk;
    _PyStackChunk* previous = chunk->previous;
    g_chunk_bytes -= chunk->size;
    std::free(chunk);
    g_chunk = previous;
    g_datastack_top = &previous->data[previous->top];
    g_datastack_limit = reinterpret_cast<Object**>(reinterpret_cast<char*>(previous) + previous->size);
    return;
  }
  g_datastack_top = base;
}

size_t DataStackChunkBytes() { return g_chunk_bytes; }

namespace {

// The locals only: the value stack is empty once the frame returned (f_stacktop is not kept).
void ClearLocals(PyFrameObject* f) {
  for (Object** p = f->f_localsplus; p < f->f_valuestack; ++p) {
    Object*& slot = *p;
    if (slot != nullptr) {
      Object* old = slot;
      slot = nullptr;
      Py_DECREF(old);
    }
  }
}

// frame_dealloc: drop the locals and the links, then park the frame on its code, or on the free list.
void frame_dealloc(Object* o) {
  auto* f = reinterpret_cast<PyFrameObject*>(o);
  PyObject_GC_UnTrack(o);
  ClearLocals(f);
  if (f->f_back != nullptr) Py_DECREF(&f->f_back->ob_base);
  f->f_back = nullptr;
  PyCodeObject* co = AsCode(f->f_code);
  if (co->co_zombieframe == nullptr) {
    co->co_zombieframe = f;
    ForgetObject(o);
  } else if (g_numfree < kFrameMaxFreeList) {
    ++g_numfree;
    f->f_free_next = g_free_list;
    g_free_list = f;
    ForgetObject(o);
  } else {
    FreeObject(o);
  }
  Py_DECREF(&co->ob_base);
}

size_t FrameBytes(Py_ssize_t slots) {
  return offsetof(PyFrameObject, f_localsplus) + static_cast<size_t>(slots) * sizeof(Object*);
}

}  // namespace

PyFrameObject* _PyFrame_New_NoTrack(PyCodeObject* code, TypeDict* globals, PyFrameObject* back) {
  const Py_ssize_t extras = code->co_stacksize + code->co_nlocals;
  PyFrameObject* f = nullptr;
  if (code->co_zombieframe != nullptr) {
    f = code->co_zombieframe;
    code->co_zombieframe = nullptr;
    InitObjectHeader(&f->ob_base, &PyFrame_Type);  // _Py_NewReference
  } else {
    if (g_free_list == nullptr) {
      Object* o = AllocObject(&PyFrame_Type, FrameBytes(extras));
      if (o == nullptr) return nullptr;
      f = reinterpret_cast<PyFrameObject*>(o);
    } else {
      --g_numfree;
      f = g_free_list;
      g_free_list = f->f_free_next;
      if (f->ob_size < extras) {  // PyObject_GC_Resize
        Object* o = AllocObject(&PyFrame_Type, FrameBytes(extras));
        FreeForgottenObject(&f->ob_base, &PyFrame_Type);
        if (o == nullptr) return nullptr;
        f = reinterpret_cast<PyFrameObject*>(o);
      } else {
        InitObjectHeader(&f->ob_base, &PyFrame_Type);
      }
    }
    f->ob_size = extras;
    for (Py_ssize_t i = 0; i < extras; ++i) f->f_localsplus[i] = nullptr;
  }
  f->f_code = Py_NewRef(&code->ob_base);
  f->f_globals = globals;
  f->f_back = back;
  if (back != nullptr) Py_INCREF(&back->ob_base);
  f->f_valuestack = f->f_localsplus + code->co_nlocals;
  f->f_stacktop = f->f_valuestack;
  f->f_lasti = -1;
  f->f_free_next = nullptr;
  return f;
}

void PyFrame_FreeZombie(PyFrameObject* f) { FreeForgottenObject(&f->ob_base, &PyFrame_Type); }

void PyFrame_ClearFreeList() {
  while (g_free_list != nullptr) {
    PyFrameObject* f = g_free_list;
    g_free_list = f->f_free_next;
    FreeForgottenObject(&f->ob_base, &PyFrame_Type);
  }
  g_numfree = 0;
}

void InitFrameType() {
  InitStaticType(&PyFrame_Type, "frame", &PyBaseObject_Type, sizeof(PyFrameObject), Py_TPFLAGS_HAVE_GC);
  PyFrame_Type.tp_dealloc = frame_dealloc;
}

}  // namespace dispatchlab
