#include "dispatch/lookup.h"

#include "core/layer_frame.h"
#include "core/type.h"

namespace dispatchlab {

namespace {

struct MethodCacheEntry {
  uint32_t version = 0;
  StrObject* name = nullptr;
  Object* value = nullptr;  // borrowed
};
MethodCacheEntry g_method_cache[kMethodCacheSize];

// MCACHE_HASH (3.11+): the version tag xor the name's address.
inline uint32_t MethodCacheHash(uint32_t version, const StrObject* name) {
  return (version ^ static_cast<uint32_t>(reinterpret_cast<uintptr_t>(name) >> 3)) & (kMethodCacheSize - 1);
}

}  // namespace

namespace layers::method_cache {

// The probe of the method cache: a hit compares the tag and the name pointer.
DISPATCHLAB_LAYER_FN bool Probe(TypeObject* type, StrObject* name, Object** value) {
  const MethodCacheEntry& entry = g_method_cache[MethodCacheHash(type->tp_version_tag, name)];
  if (PyType_HasFeature(type, Py_TPFLAGS_VALID_VERSION_TAG) && entry.version == type->tp_version_tag &&
      entry.name == name) {
    Count(Counter::kCacheHits);
    *value = entry.value;
    return true;
  }
  Count(Counter::kCacheMisses);
  return false;
}

DISPATCHLAB_LAYER_FN void Fill(TypeObject* type, StrObject* name, Object* value) {
  if (!AssignVersionTag(type)) return;
  MethodCacheEntry& entry = g_method_cache[MethodCacheHash(type->tp_version_tag, name)];
  entry.version = type->tp_version_tag;
  entry.name = name;
  entry.value = value;
}

}  // namespace layers::method_cache

namespace layers::lookup {

DISPATCHLAB_LAYER_FN Object* _PyType_Lookup(TypeObject* type, StrObject* name) {
  Count(Counter::kLookups);
  const bool cached = LayerOn(Layer::kMethodCache);
  Object* value = nullptr;
  if (cached && method_cache::Probe(type, name, &value)) return value;
  value = FindNameInMro(type, name);
  if (cached) method_cache::Fill(type, name, value);
  return value;
}

}  // namespace layers::lookup

void PyType_ClearCache() {
  for (MethodCacheEntry& entry : g_method_cache) entry = MethodCacheEntry();
}

Object* LookupMaybeMethod(Object* self, StrObject* name, int* unbound, InlineCache* cache) {
  TypeObject* type = Py_TYPE(self);
  Object* res = nullptr;
  const bool inline_cached = !LayerOn(Layer::kLookup) && cache != nullptr;
  if (inline_cached && cache->type == type && type->tp_version_tag != 0 &&
      cache->version == type->tp_version_tag) {
    Count(Counter::kInlineCacheHits);
    res = cache->value;
  } else {
    res = _PyType_Lookup(type, name);
    if (inline_cached && AssignVersionTag(type)) {
      cache->type = type;
      cache->version = type->tp_version_tag;
      cache->value = res;
    }
  }
  if (res == nullptr) return nullptr;
  if (PyType_HasFeature(Py_TYPE(res), Py_TPFLAGS_METHOD_DESCRIPTOR) && !LayerOn(Layer::kMethodWrapper)) {
    *unbound = 1;
    Py_INCREF(res);
    return res;
  }
  *unbound = 0;
  descrgetfunc f = Py_TYPE(res)->tp_descr_get;
  if (f == nullptr) return Py_NewRef(res);
  return f(res, self, AsObject(type));
}

}  // namespace dispatchlab
