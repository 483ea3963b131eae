#include <catch2/catch.hpp>

#include "dispatch/runtime.h"

TEST_CASE("the runtime starts with nothing alive") {
  dispatchlab::InitRuntime();
  REQUIRE(dispatchlab::CheckNothingAlive().ok());
}
