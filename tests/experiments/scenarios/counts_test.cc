// Exact counts of the two seed paths against the reference's per-version columns.
#include "experiments/scenarios/counts.h"

#include "tests/experiments/scenarios/counts_formula.h"
#include "tests/test_support.h"

namespace dispatchlab {
namespace {

using testing::Expected;

void RequireEqual(const Expected& got, const Expected& want) {
  CHECK(got.tuples == want.tuples);
  CHECK(got.lookups == want.lookups);
  CHECK(got.generic_calls == want.generic_calls);
  CHECK(got.method_wrappers == want.method_wrappers);
  CHECK(got.scalars == want.scalars);
  CHECK(got.temp_ints == want.temp_ints);
  CHECK(got.boxed_ints == want.boxed_ints);
  CHECK(got.conversions == want.conversions);
  CHECK(got.index_conversions == want.index_conversions);
  CHECK(got.type_data_lookups == want.type_data_lookups);
  CHECK(got.stores == want.stores);
  CHECK(got.inline_cache_hits == want.inline_cache_hits);
}

CountReport Count(absl::string_view scenario, int64_t n, absl::string_view profile) {
  InitRuntime();
  absl::StatusOr<CountReport> r =
      CountScenario(**ScenarioFromName(scenario), n, ProfileFromName(profile)->layers, profile);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("sct_init under cpython311: per element 1 lookup (a hit), 2 tuples, 1 generic call") {
  const int64_t n = 1000;
  CountReport r = Count("sct_init", n, "cpython311");
  RequireEqual(testing::FromCounts(r.totals),
               testing::SctInitExpected(n, ProfileFromName("cpython311")->layers));
  CHECK(r.totals[Counter::kCacheHits] == static_cast<uint64_t>(n + 1));  // + the __init__ lookup
  CHECK(r.totals[Counter::kCacheMisses] == 0);
  CHECK(r.totals[Counter::kBoxedInts] == 743);  // indices 257..999, as the reference measured
  // Allocator calls: n scalars, 743 boxed indices, the array object, the bound __init__, the n-tuple, and
  // the sequence iterator through which `*l` reads the numpy source (array_iter): the small tuples come
  // from the free lists.
  CHECK(r.totals[Counter::kAllocations] == static_cast<uint64_t>(n + 743 + 2 + 1 + 1));
  CHECK(r.totals[Counter::kAllocations] == r.totals[Counter::kFrees]);
}

TEST_CASE("sct_subscript under cpython311: no lookup, no tuple, no generic call; 1 scalar, 1 temp int") {
  const int64_t n = 1000;
  CountReport r = Count("sct_subscript", n, "cpython311");
  RequireEqual(testing::FromCounts(r.totals),
               testing::SctSubscriptExpected(n, ProfileFromName("cpython311")->layers));
  CHECK(r.totals[Counter::kTuples] == 0);
  CHECK(r.totals[Counter::kLookups] == 0);
  CHECK(r.totals[Counter::kGenericCalls] == 0);
  CHECK(r.totals[Counter::kBytesZeroed] == static_cast<uint64_t>(4 * n));
}

TEST_CASE("sct_init under cpython36: a method-wrapper and one 2-tuple per element") {
  const int64_t n = 1000;
  CountReport r = Count("sct_init", n, "cpython36");
  RequireEqual(testing::FromCounts(r.totals),
               testing::SctInitExpected(n, ProfileFromName("cpython36")->layers));
  CHECK(r.totals[Counter::kMethodWrappers] == static_cast<uint64_t>(n + 1));
  CHECK(r.totals[Counter::kTuples] == static_cast<uint64_t>(n + 1));
}

TEST_CASE("sct_init under cpython313: three type-data lookups per element, immortal skips") {
  const int64_t n = 1000;
  CountReport r = Count("sct_init", n, "cpython313");
  RequireEqual(testing::FromCounts(r.totals),
               testing::SctInitExpected(n, ProfileFromName("cpython313")->layers));
  CHECK(r.totals[Counter::kTypeDataLookups] == static_cast<uint64_t>(3 * n));
  CHECK(r.totals[Counter::kImmortalSkips] > 0);
}

TEST_CASE("sct_init_list reads the thread state as often as CPython calls __tls_get_addr") {
  // Per element, from callgrind's callers of __tls_get_addr in pyenv's CPython 3.12.1 (docs/faithfulness.md,
  // round 14): two free-list pops and two GC tracks (the 3-tuple and its slice), two free-list pushes, the
  // trashcan's thread state twice, the type cache, vectorcall_method, and the boxed index's malloc and free
  // (the indices past the small ints): 12; 3.13 adds PyObject_IsInstance twice (StgInfo): 14. The
  // difference between two sizes cancels what one call reads once.
  auto reads = [](const char* profile, int64_t n) {
    return static_cast<int64_t>(Count("sct_init_list", n, profile).totals[Counter::kThreadStateReads]);
  };
  CHECK(reads("cpython312", 2000) - reads("cpython312", 1000) == 12 * 1000);
  CHECK(reads("cpython313", 2000) - reads("cpython313", 1000) == 14 * 1000);
  CHECK(reads("cpython311", 2000) == 0);
  CHECK(reads("cpython36", 2000) == 0);
}

TEST_CASE("a list source: no scalars, no conversions") {
  const int64_t n = 500;
  CountReport r = Count("sct_subscript_list", n, "cpython311");
  CHECK(r.totals[Counter::kScalars] == 0);
  CHECK(r.totals[Counter::kConversions] == 0);
  CHECK(r.totals[Counter::kAllocations] == 2);  // the array object and the slice of sh[:]
}

TEST_CASE("the direct profile: sct_init stores n values and creates nothing per element") {
  const int64_t n = 1000;
  CountReport r = Count("sct_init", n, "direct");
  CHECK(r.totals[Counter::kStores] == static_cast<uint64_t>(n));
  CHECK(r.totals[Counter::kObjects] == 1);  // the array object
  CHECK(r.totals[Counter::kTuples] == 0);
}

}  // namespace
}  // namespace dispatchlab
