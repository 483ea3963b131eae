// The RawArray paths as `dispatchlab mp` workloads (see mp_sct_workloads.cc for what each worker runs).
#ifndef DISPATCHLAB_EXPERIMENTS_MP_SCT_WORKLOADS_H_
#define DISPATCHLAB_EXPERIMENTS_MP_SCT_WORKLOADS_H_

#include "experiments/shm/mp_run.h"

namespace dispatchlab {

MpWorkloadFactory SctInitWorkload();       // Array_init's loop over each worker's slice
MpWorkloadFactory SctSubscriptWorkload();  // sh[lo:hi] = l[lo:hi]

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_MP_SCT_WORKLOADS_H_
