#include "experiments/attribution/sharing.h"

#include <algorithm>
#include <map>

namespace dispatchlab::attribution {

std::vector<ConfigMask> WorkClasses::Measured() const {
  std::vector<ConfigMask> out = measured_as;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::StatusOr<WorkClasses> GroupByWork(const LayerSpace& space, std::vector<ConfigMask> masks,
                                        const Fingerprinter& fingerprint) {
  std::sort(masks.begin(), masks.end());
  masks.erase(std::unique(masks.begin(), masks.end()), masks.end());
  WorkClasses out;
  out.masks = masks;
  // Fingerprint -> the masks with it (an ordered map: the grouping does not depend on hashing).
  std::map<WorkFingerprint, std::vector<int>> groups;
  for (size_t i = 0; i < masks.size(); ++i) {
    absl::StatusOr<WorkFingerprint> fp = fingerprint(space.LayersFor(masks[i]));
    if (!fp.ok()) return fp.status();
    out.index[masks[i]] = static_cast<int>(i);
    groups[*fp].push_back(static_cast<int>(i));
    out.fingerprint.push_back(*std::move(fp));
  }
  out.measured_as.assign(masks.size(), 0);
  for (const auto& [fp, members] : groups) {
    ConfigMask meet = space.full_mask();
    for (int i : members) meet &= masks[i];
    const auto it = out.index.find(meet);
    const bool meet_in_group = it != out.index.end() && out.fingerprint[it->second] == fp;
    const ConfigMask measured = meet_in_group ? meet : masks[members.front()];  // members are sorted
    for (int i : members) out.measured_as[i] = measured;
  }
  return out;
}

std::vector<bool> OnPath(const WorkClasses& classes, int k) {
  std::vector<bool> on(k, false);
  for (int i = 0; i < k; ++i) {
    const ConfigMask bit = ConfigMask{1} << i;
    for (size_t j = 0; j < classes.masks.size() && !on[i]; ++j) {
      const ConfigMask m = classes.masks[j];
      if (m & bit) continue;
      const auto it = classes.index.find(m | bit);
      if (it != classes.index.end() && classes.fingerprint[it->second] != classes.fingerprint[j]) {
        on[i] = true;
      }
    }
  }
  return on;
}

}  // namespace dispatchlab::attribution
