// The `Json` type by name only (nlohmann's json_fwd.hpp), for headers that pass documents around without
// building them: the full nlohmann/json.hpp is heavy to compile, so only the .cc files that build or read
// JSON include experiments/base/json.h.
#ifndef DISPATCHLAB_EXPERIMENTS_JSON_FWD_H_
#define DISPATCHLAB_EXPERIMENTS_JSON_FWD_H_

#include <nlohmann/json_fwd.hpp>

namespace dispatchlab {

using Json = nlohmann::ordered_json;

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_JSON_FWD_H_
