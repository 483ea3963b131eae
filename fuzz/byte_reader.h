// The fuzzer's view of its input: a byte string read front to back as small decisions (which operation,
// which slot, which value). Reading past the end yields zeros, so every input -- even an empty one -- is a
// complete program, and libFuzzer's mutations of a byte change one decision.
#ifndef DISPATCHLAB_FUZZ_BYTE_READER_H_
#define DISPATCHLAB_FUZZ_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace dispatchlab::fuzz {

class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  // The next byte, or 0 past the end.
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // A choice among n (1 <= n <= 256).
  uint32_t Below(uint32_t n) { return Byte() % n; }
  bool Bool() { return (Byte() & 1) != 0; }
  uint32_t U16() { return Byte() | (uint32_t{Byte()} << 8); }
  // Three bytes, little-endian: a layer set (every layer of core/layers.def has one of its 24 bits).
  uint32_t U24() { return U16() | (uint32_t{Byte()} << 16); }
  // Eight raw bytes (little-endian), zero-padded past the end.
  int64_t I64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{Byte()} << (8 * i);
    int64_t out;
    std::memcpy(&out, &v, sizeof(out));
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace dispatchlab::fuzz

#endif  // DISPATCHLAB_FUZZ_BYTE_READER_H_
