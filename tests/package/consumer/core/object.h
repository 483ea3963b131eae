// The consumer's own core/object.h, with a name of its own: dispatchlab's installed headers must never
// include this file in place of dispatchlab/core/object.h.
#ifndef CONSUMER_CORE_OBJECT_H_
#define CONSUMER_CORE_OBJECT_H_

namespace consumer {
inline constexpr const char* kOwnCore = "consumer core";
}  // namespace consumer

#endif  // CONSUMER_CORE_OBJECT_H_
