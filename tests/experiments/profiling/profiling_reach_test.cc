// perf and profile refuse a layer set under which the layers it names cannot run (a layer nested in the
// trampoline with the trampoline off), with one line and exit status 2, instead of recording nothing.
#include <catch2/catch.hpp>
#include <string>

#include "core/layers.h"
#include "experiments/profiling/layer_reach.h"
#include "tests/cli/spawn.h"

using dispatchlab::Layer;
using dispatchlab::LayerSet;
namespace profiling = dispatchlab::profiling;

TEST_CASE("the layers a --layers= spec names on", "[reach]") {
  CHECK(profiling::LayersNamedOn("call,call_tuple") == std::vector<Layer>{Layer::kCall, Layer::kCallTuple});
  CHECK(profiling::LayersNamedOn("+call,-trampoline") == std::vector<Layer>{Layer::kCall});
  CHECK(profiling::LayersNamedOn("-trampoline").empty());
  CHECK(profiling::LayersNamedOn("all").empty());
  CHECK(profiling::LayersNamedOn("none").empty());
}

TEST_CASE("a named layer whose parent is off is refused with the set that works", "[reach]") {
  const LayerSet calls = LayerSet::None().With(Layer::kCall).With(Layer::kCallTuple);
  const absl::Status refused = profiling::CheckNamedLayersReachable("call,call_tuple", calls);
  CHECK(refused.code() == absl::StatusCode::kInvalidArgument);
  const std::string message(refused.message());
  CHECK(message.find("'call' runs only inside 'trampoline'") != std::string::npos);
  CHECK(message.find("--layers=trampoline,call,call_tuple") != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
  CHECK(profiling::CheckNamedLayersReachable("trampoline,call,call_tuple", calls.With(Layer::kTrampoline))
            .ok());
  // Switching the trampoline off is allowed: the named layer is the trampoline, and it is off.
  CHECK(
      profiling::CheckNamedLayersReachable("-trampoline", LayerSet::All().Without(Layer::kTrampoline)).ok());
  CHECK(profiling::OnButUnreachable(LayerSet::All().Without(Layer::kTrampoline)).size() >= 5);
}

TEST_CASE("perf and profile exit 2 on unreachable named layers", "[reach][cli]") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"perf", "sct_init", "--layers=call,call_tuple", "--seconds=0.01"},
        std::vector<std::string>{"profile", "sct_init", "--tool=perf", "--layers=-trampoline,+call_tuple"},
        std::vector<std::string>{"profile", "sct_init", "--tool=callgrind",
                                 "--layers=boxing,conversion,lookup"}}) {
    const dispatchlab::testing::ChildResult r = dispatchlab::testing::RunCli(args);
    INFO(args[0] << " " << args[2] << ": " << r.err);
    CHECK(r.exit_status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find("runs only inside") != std::string::npos);
    CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
  }
}
