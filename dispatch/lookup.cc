#include "dispatch/lookup.h"

#include "core/layer_frame.h"
#include "core/pystate.h"
#include "core/type.h"

namespace dispatchlab {

namespace {

// get_type_cache (Objects/typeobject.c): the interpreter's type cache (core/pystate.h), found through the
// thread-local thread state with the `thread_state` layer on (3.12), as a global with it off.
inline type_cache* get_type_cache() {
  if (ThreadStateOn()) return &layers::thread_state::_PyInterpreterState_GET()->types;
  return &internal::g_main_interpreter.types;
}

// MCACHE_HASH (3.11+): the version tag xor the name's address.
inline uint32_t MethodCacheHash(uint32_t version, const StrObject* name) {
  return (version ^ static_cast<uint32_t>(reinterpret_cast<uintptr_t>(name) >> 3)) & (kMethodCacheSize - 1);
}

}  // namespace

namespace layers::method_cache {

// The miss half of _PyType_Lookup's type cache: walk the MRO, then fill the entry (assigning the type a
// version tag first, assign_version_tag). The hit is inline in _PyType_Lookup, as in CPython.
DISPATCHLAB_LAYER_FN Object* Fill(type_cache* cache, TypeObject* type, StrObject* name) {
  Count(Counter::kCacheMisses);
  Object* value = FindNameInMro(type, name);
  if (!AssignVersionTag(type)) return value;
  type_cache_entry& entry = cache->hashtable[MethodCacheHash(type->tp_version_tag, name)];
  entry.version = type->tp_version_tag;
  entry.name = name;
  entry.value = value;
  return value;
}

}  // namespace layers::method_cache

namespace layers::lookup {

// CPython 3.11's _PyType_Lookup: the cache hit compares the entry's tag and name pointer and returns, inline
// (a type whose tag was invalidated has tag 0, which no filled entry carries: CPython only asserts
// Py_TPFLAGS_VALID_VERSION_TAG). The miss walks the MRO and fills the entry (method_cache::Fill).
DISPATCHLAB_LAYER_FN Object* _PyType_Lookup(TypeObject* type, StrObject* name) {
  // `lookups` counts the uncached walks here; with the cache on it is derived from the hits and misses
  // (core/counters.cc), so that a hit pays one counter, not two.
  if (!LayerOn(Layer::kMethodCache)) [[unlikely]] {
    Count(Counter::kLookups);
    return FindNameInMro(type, name);
  }
  type_cache* cache = get_type_cache();
  const type_cache_entry& entry = cache->hashtable[MethodCacheHash(type->tp_version_tag, name)];
  if (entry.version == type->tp_version_tag && entry.name == name) {
    Count(Counter::kCacheHits);
    return entry.value;
  }
  return method_cache::Fill(cache, type, name);
}

}  // namespace layers::lookup

void PyType_ClearCache() {
  for (type_cache_entry& entry : internal::g_main_interpreter.types.hashtable) entry = type_cache_entry();
}

Object* InlineCacheLookup(TypeObject* type, StrObject* name, InlineCache* cache) {
  if (cache->type == type && type->tp_version_tag != 0 && cache->version == type->tp_version_tag) {
    Count(Counter::kInlineCacheHits);
    return cache->value;
  }
  Object* res = _PyType_Lookup(type, name);
  if (AssignVersionTag(type)) {
    cache->type = type;
    cache->version = type->tp_version_tag;
    cache->value = res;
  }
  return res;
}

Object* BindFoundMethod(Object* res, Object* self, TypeObject* type, int* unbound) {
  *unbound = 0;
  descrgetfunc f = Py_TYPE(res)->tp_descr_get;
  if (f == nullptr) return Py_NewRef(res);
  return f(res, self, AsObject(type));
}

}  // namespace dispatchlab
