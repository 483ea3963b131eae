#include "experiments/attribution/one_at_a_time.h"

#include <cmath>

namespace dispatchlab::attribution {

namespace {

// value = cost(with) - cost(without): two independent means, or exactly 0 when both configurations share
// one measurement (identical work).
void Put(const CostTable& costs, ConfigMask with, ConfigMask without, LayerValues& out) {
  out.value.push_back(costs.Cost(with) - costs.Cost(without));
  double dof = 0;
  out.noise_se.push_back(std::sqrt(costs.LinearVariance({{with, 1.0}, {without, -1.0}}, &dof)));
  out.noise_dof.push_back(dof);
}

}  // namespace

double LayerValues::Sum() const {
  double s = 0;
  for (double v : value) s += v;
  return s;
}

LayerValues Waterfall(const CostTable& costs) {
  LayerValues out;
  ConfigMask m = (ConfigMask{1} << costs.k()) - 1;
  for (int i = 0; i < costs.k(); ++i) {
    const ConfigMask next = m & ~(ConfigMask{1} << i);
    Put(costs, m, next, out);
    m = next;
  }
  return out;
}

LayerValues LeaveOneOut(const CostTable& costs) {
  LayerValues out;
  const ConfigMask full = (ConfigMask{1} << costs.k()) - 1;
  for (int i = 0; i < costs.k(); ++i) Put(costs, full, full & ~(ConfigMask{1} << i), out);
  return out;
}

LayerValues AddOneIn(const CostTable& costs) {
  LayerValues out;
  for (int i = 0; i < costs.k(); ++i) Put(costs, ConfigMask{1} << i, 0, out);
  return out;
}

}  // namespace dispatchlab::attribution
