// Method lookup on a type (CPython: _PyType_Lookup, find_name_in_mro, lookup_maybe_method in
// Objects/typeobject.c).
//
// _PyType_Lookup walks the MRO probing each class dictionary, behind a direct-mapped method cache of
// 4096 entries keyed by (version tag, name) -- the `method_cache` layer; a type's tag is cleared when its
// dictionary (or a base's) changes, which invalidates its entries. The `lookup` layer switched off
// replaces the per-call lookup by an inline cache at the call site, guarded by the type's version tag.
#ifndef DISPATCHLAB_DISPATCH_LOOKUP_H_
#define DISPATCHLAB_DISPATCH_LOOKUP_H_

#include <cstdint>

#include "core/object.h"
#include "core/pystate.h"
#include "core/str.h"

namespace dispatchlab {

// MCACHE_SIZE_EXP and kMethodCacheSize: core/pystate.h, with the cache (the interpreter's).

namespace layers::lookup {
// A borrowed reference to the attribute `name` found on type's MRO, or nullptr (no error set).
// Counted as a lookup (and a cache hit or miss when the method_cache layer is on).
Object* _PyType_Lookup(TypeObject* type, StrObject* name);
}  // namespace layers::lookup
using layers::lookup::_PyType_Lookup;

// Empties the method cache (tests; PyType_ClearCache).
void PyType_ClearCache();

// A call site's cache of one lookup (the `lookup` layer switched off).
struct InlineCache {
  TypeObject* type = nullptr;
  uint32_t version = 0;
  Object* value = nullptr;  // borrowed: the type dictionary keeps it alive while the tag is valid
};

// The `lookup` layer switched off: the call site's `cache` answers while type's version tag is unchanged;
// otherwise _PyType_Lookup, remembered. A borrowed reference or nullptr (no error set).
Object* InlineCacheLookup(TypeObject* type, StrObject* name, InlineCache* cache);
// The bound half of lookup_maybe_method: *unbound = 0 and the descriptor's tp_descr_get applied (3.6's
// method-wrapper), or a new reference to `res` itself when it has none.
Object* BindFoundMethod(Object* res, Object* self, TypeObject* type, int* unbound);

// lookup_maybe_method: the method `name` of type(self), new reference, with *unbound = 1 when it is a
// method descriptor called with self in args[0] (3.8+), 0 when it was bound (3.6's method-wrapper, the
// `method_wrapper` layer). With the `lookup` layer off the call site's `cache` answers while the type's
// version tag is unchanged. nullptr without an error when not found. Inline, as CPython's static
// lookup_maybe_method is inlined into vectorcall_method (Objects/typeobject.c).
inline Object* LookupMaybeMethod(Object* self, StrObject* name, int* unbound, InlineCache* cache) {
  TypeObject* type = Py_TYPE(self);
  Object* res = LayerOn(Layer::kLookup) || cache == nullptr ? _PyType_Lookup(type, name)
                                                            : InlineCacheLookup(type, name, cache);
  if (res == nullptr) return nullptr;
  if (PyType_HasFeature(Py_TYPE(res), Py_TPFLAGS_METHOD_DESCRIPTOR) && !LayerOn(Layer::kMethodWrapper)) {
    *unbound = 1;
    Py_INCREF(res);
    return res;
  }
  return BindFoundMethod(res, self, type, unbound);
}

}  // namespace dispatchlab

#endif  // DISPATCHLAB_DISPATCH_LOOKUP_H_
