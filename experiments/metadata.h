// The metadata every JSON output of the CLI carries: where and how the numbers were made.
#ifndef DISPATCHLAB_EXPERIMENTS_METADATA_H_
#define DISPATCHLAB_EXPERIMENTS_METADATA_H_

#include <cstdint>
#include <string>

#include "core/layers.h"

namespace dispatchlab {

struct MetadataFields {
  std::string profile;  // empty when not applicable
  LayerSet layers;
  bool has_layers = false;
  int64_t n = 0;            // 0 when not applicable
  int64_t repetitions = 0;  // 0 when not applicable
};

// {"machine": {...}, "compiler", "flags", "build_type", "counting", "profile", "layers", "n",
//  "repetitions", "date"} as a JSON object.
std::string MetadataJson(const MetadataFields& fields);

// One line for tables: "machine ..., g++ 12.2, Release, counting compiled in".
std::string MetadataLine();

// Machine facts: CPU model and count, kernel.
std::string CpuModel();
int CpuCount();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_METADATA_H_
