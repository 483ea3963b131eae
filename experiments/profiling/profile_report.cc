// Table and JSON rendering of a LayerProfile (see profile_report.h).
#include "experiments/profiling/profile_report.h"

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "experiments/base/json.h"
#include "experiments/base/text.h"

namespace dispatchlab::profiling {
namespace {

bool IsShare(const LayerProfile& p) { return p.tool == "perf"; }

std::string FormatValue(const LayerProfile& p, double v) {
  return IsShare(p) ? absl::StrFormat("%6.1f%%", 100 * v) : absl::StrFormat("%12.2f", v);
}

double Total(const LayerProfile& p) {
  double total = p.unattributed;
  for (double v : p.by_layer) total += v;
  return total;
}

}  // namespace

const char kOffYetChargedNote[] =
    "a layer switched off can still be charged a little. Its switch removes the per-element work it "
    "models; the same functions may still run once per scenario call, outside the element loop, where "
    "every CPython version does that work too (method_wrapper: LOAD_ATTR binds result.__init__ into a "
    "method-wrapper once per RawArray call). Such a share falls as 1/n; docs/perf.md, section 5.";

std::string ProfileTable(const LayerProfile& p) {
  std::string out =
      absl::StrFormat("%s under %s: %s (event %s), n=%d", p.scenario, p.tool, p.unit, p.event, p.n);
  if (p.runs > 0) out += Cat(absl::StrFormat(", %d run(s) in the measured region", p.runs));
  out += Cat("\nactive layers: ", p.layers.ToString(), "\n\n");
  const std::string header = IsShare(p) ? "samples" : "instr/element";
  out += Cat(absl::StrFormat("  %-18s %13s\n", "layer", header));
  bool off_but_charged = false;
  for (const LayerInfo& info : LayerTable()) {
    const bool on = p.layers.Has(info.layer);
    const double v = p.Of(info.layer);
    std::string remark;
    if (!on) {
      remark = v != 0 ? "  (off, yet charged: see the note below)" : "  (off)";
      off_but_charged = off_but_charged || v != 0;
    } else if (!LayerReachable(info.layer, p.layers)) {
      remark = Cat("  (on, but unreachable: ", InfoOf(*ParentOf(info.layer)).name, " is off)");
    }
    out += Cat(absl::StrFormat("  %-18s %13s%s\n", info.name, FormatValue(p, v), remark));
  }
  out += Cat(absl::StrFormat("  %-18s %13s\n", "unattributed", FormatValue(p, p.unattributed)));
  out += Cat(absl::StrFormat("  %-18s %13s\n", "total", FormatValue(p, Total(p))));
  if (!p.unknown_layer_names.empty()) {
    out += Cat("\nwarning: symbols in dispatchlab::layers:: name no layer of the table: ",
               absl::StrJoin(p.unknown_layer_names, ", "), " (counted as unattributed)\n");
  }
  if (off_but_charged) out += Cat("\nnote: ", kOffYetChargedNote, "\n");
  for (const std::string& note : p.notes) out += Cat("\nnote: ", note, "\n");
  return out;
}

std::string ProfileJson(const LayerProfile& p, const Json& metadata) {
  Json layers = Json::object();
  for (const LayerInfo& info : LayerTable()) layers[ToStd(info.name)] = p.Of(info.layer);
  Json doc = {{"scenario", p.scenario},
              {"tool", p.tool},
              {"unit", p.unit},
              {"event", p.event},
              {"n", p.n},
              {"runs", p.runs},
              {"active_layers", p.layers.ToString()},
              {"layers", layers},
              {"unattributed", p.unattributed},
              {"total", Total(p)},
              {"unknown_layer_names", p.unknown_layer_names},
              {"notes", p.notes},
              {"metadata", metadata.is_null() ? Json::object() : metadata}};
  return DumpJson(doc) + "\n";
}

}  // namespace dispatchlab::profiling
