package dev.xfer.model.io;

/**
 * Element types that weight files may store. Readers convert every one of them to float32 values
 * in {@link TensorData}; the type a tensor had in its file is kept as {@link TensorData#sourceDtype()}.
 */
public enum DType {
  F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), U8(1);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * The type spelled {@code name} in a safetensors header (the spellings are the constant names), or
   * null when it is not one of ours (e.g. "F8_E4M3", "BOOL"). Case-sensitive, as the format is.
   */
  public static DType fromSafetensors(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) return t;
    }
    return null;
  }
}
