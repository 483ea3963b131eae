// The exact per-call counts of sct_init and sct_subscript as a formula of n and the layers on, written
// from the reference's chains (shared/reference/cpython-chain.md, section 1) -- not from the code.
#ifndef DISPATCHLAB_TESTS_EXPERIMENTS_COUNTS_FORMULA_H_
#define DISPATCHLAB_TESTS_EXPERIMENTS_COUNTS_FORMULA_H_

#include <cstdint>

#include "core/counters.h"
#include "core/layers.h"

namespace dispatchlab::testing {

struct Expected {
  int64_t tuples, lookups, generic_calls, method_wrappers, scalars, temp_ints, boxed_ints, conversions,
      index_conversions, type_data_lookups, stores, inline_cache_hits;
};

// Boxed indices: the trampoline boxes 0..n-1; 0..256 come from the small-int cache.
inline int64_t BoxedIndices(int64_t n) { return n > 257 ? n - 257 : 0; }

// What both paths do per element between the source and the buffer: read a scalar (boxing), convert it
// through __index__ (a temporary int), fetch type data (3.13), store.
inline void AddSourceAndStore(int64_t n, LayerSet L, Expected* e) {
  const bool boxing = L.Has(Layer::kBoxing);
  e->scalars = boxing ? n : 0;
  e->temp_ints = boxing && L.Has(Layer::kConversion) ? n : 0;
  e->conversions = e->temp_ints;
  e->type_data_lookups = L.Has(Layer::kTypeData) ? (L.Has(Layer::kSetfunc) ? 3 : 2) * n : 0;
  e->stores = n;
}

// One steady-state call of RawArray(c_int, numpy_source) with `L` on (values 0..9, so every temporary
// int of __index__ is a cached small int).
inline Expected SctInitExpected(int64_t n, LayerSet L) {
  const bool tramp = L.Has(Layer::kTrampoline);
  const bool args = L.Has(Layer::kArgsTuple);
  const bool mw = L.Has(Layer::kMethodWrapper);
  const bool call = L.Has(Layer::kCall);
  const bool call_tuple = L.Has(Layer::kCallTuple);
  Expected e{};
  // Once per call, with args_tuple on: result.__init__ is looked up and bound (1 lookup, 1
  // method-wrapper), the n-tuple is built, and the bound method is called through PyObject_Call.
  e.tuples = args ? 1 : 0;
  e.lookups = args ? 1 : 0;
  e.method_wrappers = args ? 1 : 0;
  e.generic_calls = args ? 1 : 0;
  if (tramp) {
    e.lookups += L.Has(Layer::kLookup) ? n : 0;
    e.inline_cache_hits = L.Has(Layer::kLookup) ? 0 : n;
    e.method_wrappers += mw ? n : 0;
    // 3.6's call_method: Py_BuildValue("(nO)") builds the 2-tuple, and PyObject_Call hands it to the
    // bound method-wrapper as is; unbound (or untupled) the call protocol proceeds as without it.
    const bool build_value = L.Has(Layer::kBuildValue);
    if (build_value) e.tuples += n;
    if (call) {
      e.generic_calls += n;
      // 3.6: one 2-tuple; 3.8+: a 3-tuple and a 2-tuple
      if (call_tuple && !(build_value && mw)) e.tuples += (mw ? 1 : 2) * n;
    }
    e.boxed_ints = L.Has(Layer::kIndexBoxing) ? BoxedIndices(n) : 0;
    e.index_conversions = L.Has(Layer::kIndexBoxing) ? n : 0;
  }
  AddSourceAndStore(n, L, &e);
  return e;
}

// One steady-state call of `sh = RawArray(c_int, n); sh[:] = numpy_source`.
inline Expected SctSubscriptExpected(int64_t n, LayerSet L) {
  Expected e{};
  AddSourceAndStore(n, L, &e);
  return e;
}

// The override scenarios (docs/why.md): `Hooked.__setitem__(self, i, v)` is a Python function whose body
// is `Array.__setitem__(self, i, v)`. Written from the chain each call takes:
//   slot_sq_ass_item / slot_mp_ass_subscript -> lookup of __setitem__ (a lookup, or an inline-cache hit with
//   `lookup` off) -> 3.6 binds a method object (`method_wrapper`), whose call is one more generic call ->
//   PyObject_Vectorcall(function) -> _PyFunction_Vectorcall (a Python-level call; with `eval` on one frame
//   and the body's 11 instructions: RESUME, LOAD_GLOBAL, LOAD_METHOD, 3 x LOAD_FAST, PRECALL, CALL,
//   POP_TOP, LOAD_CONST, RETURN_VALUE) -> `Array.__setitem__`: type_getattro looks the name up on the
//   metatype and on Array (2 lookups) -> CALL: PyObject_Vectorcall(wrapper descriptor) (a generic call;
//   a 3-tuple and a sliced 2-tuple with `call_tuple` on) -> wrap_objobjargproc -> Array_ass_subscript.
struct OverrideExpected {
  int64_t py_calls, frames, opcodes, lookups, generic_calls, tuples, method_wrappers, inline_cache_hits,
      stores;
};

enum class OverrideCase { kInit, kSubscript, kInitPatchA, kInitPatchB };

// The calls of the hook per run: n from __init__'s per-element stores (through the trampoline), one with
// a slice from slice assignment and from patch B's one slice, none under patch A (the trampoline is the
// hook's only way in from __init__).
inline int64_t HookCalls(OverrideCase c, int64_t n, LayerSet L) {
  switch (c) {
    case OverrideCase::kInit:
      return L.Has(Layer::kTrampoline) ? n : 0;
    case OverrideCase::kInitPatchA:
      return 0;
    case OverrideCase::kSubscript:
    case OverrideCase::kInitPatchB:
      return 1;
  }
  return -1;
}

inline OverrideExpected OverrideCaseExpected(OverrideCase c, int64_t n, LayerSet L) {
  const int64_t h = HookCalls(c, n, L);
  const bool eval = L.Has(Layer::kEval);
  const bool init = c != OverrideCase::kSubscript;
  const bool args = init && L.Has(Layer::kArgsTuple);  // result.__init__ bound, n-tuple, one call
  OverrideExpected e{};
  e.py_calls = h;
  e.frames = eval ? h : 0;
  e.opcodes = eval ? 11 * h : 0;
  e.lookups = (args ? 1 : 0) + h * ((L.Has(Layer::kLookup) ? 1 : 0) + 2);
  e.inline_cache_hits = L.Has(Layer::kLookup) ? 0 : h;
  e.generic_calls = (args ? 1 : 0) + h * (2 + (L.Has(Layer::kMethodWrapper) ? 1 : 0));
  e.tuples = (args ? 1 : 0) + h * (L.Has(Layer::kCallTuple) ? 2 : 0);
  // 3.6: the trampoline's call_method builds its argument tuple with Py_BuildValue("(nO)") for every hook
  // call from __init__ (slot_sq_ass_item); the hook's own body still calls Array.__setitem__ as above.
  if (c == OverrideCase::kInit && L.Has(Layer::kBuildValue)) e.tuples += h;
  e.method_wrappers = args ? 1 : 0;
  e.stores = n;
  return e;
}

inline Expected FromCounts(const Counts& c) {
  auto v = [&](Counter k) { return static_cast<int64_t>(c[k]); };
  return {v(Counter::kTuples),          v(Counter::kLookups),     v(Counter::kGenericCalls),
          v(Counter::kMethodWrappers),  v(Counter::kScalars),     v(Counter::kTempInts),
          v(Counter::kBoxedInts),       v(Counter::kConversions), v(Counter::kIndexConversions),
          v(Counter::kTypeDataLookups), v(Counter::kStores),      v(Counter::kInlineCacheHits)};
}

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_EXPERIMENTS_COUNTS_FORMULA_H_
