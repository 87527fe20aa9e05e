/*
 * xfer_jpeg_decode_rgb: the buffer-sizing protocol, guard bytes, both IDCTs, CMYK without an Adobe
 * marker (TF's formula for plain CMYK, r = (255 - k) * (255 - c) / 255, which the TensorFlow parity
 * tests cannot reach: their CMYK fixture carries an Adobe marker) and errors that are reported, not
 * crashed on. Fixtures are encoded here with libjpeg's own compressor.
 * The decoded pixels themselves are checked against TensorFlow in the Java tests (TfJpegDecodeTest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "check.h"
#include "xfer/kernels.h"

static int failures = 0;

#define EXPECT(cond, ...)                 \
  do {                                    \
    if (!(cond)) {                        \
      fprintf(stderr, "FAIL: " __VA_ARGS__); \
      fprintf(stderr, "\n");              \
      failures++;                         \
    }                                     \
  } while (0)

/* Encodes h x w pixels of `components` channels in `space` at quality 90; caller frees *out. */
static void encode(const uint8_t* px, int h, int w, int components, J_COLOR_SPACE space, int adobe,
                   unsigned char** out, unsigned long* size) {
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  *out = NULL;
  *size = 0;
  jpeg_mem_dest(&c, out, size);
  c.image_width = (JDIMENSION)w;
  c.image_height = (JDIMENSION)h;
  c.input_components = components;
  c.in_color_space = space;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 90, TRUE);
  c.write_Adobe_marker = adobe ? TRUE : FALSE;
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = (JSAMPROW)(px + (size_t)c.next_scanline * w * components);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
}

/* libjpeg's own CMYK decode (the samples xfer converts), accurate IDCT. */
static uint8_t* decode_cmyk(const unsigned char* data, unsigned long size, int* saw_adobe) {
  struct jpeg_decompress_struct d;
  struct jpeg_error_mgr err;
  d.err = jpeg_std_error(&err);
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, data, size);
  jpeg_read_header(&d, TRUE);
  d.out_color_space = JCS_CMYK;
  d.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&d);
  uint8_t* out = malloc((size_t)d.output_width * d.output_height * 4);
  while (d.output_scanline < d.output_height) {
    JSAMPROW row = out + (size_t)d.output_scanline * d.output_width * 4;
    jpeg_read_scanlines(&d, &row, 1);
  }
  *saw_adobe = d.saw_Adobe_marker;
  jpeg_finish_decompress(&d);
  jpeg_destroy_decompress(&d);
  return out;
}

static void smooth(uint8_t* px, int h, int w, int components, check_rng* rng) {
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < components; c++)
        px[((size_t)y * w + x) * components + c] = (uint8_t)(40 + 2 * x + 2 * y + 30 * c + check_below(rng, 8));
}

static void test_rgb(void) {
  const int h = 29, w = 37;
  check_rng rng = {1};
  uint8_t src[29 * 37 * 3];
  smooth(src, h, w, 3, &rng);
  unsigned char* jpeg;
  unsigned long size;
  encode(src, h, w, 3, JCS_RGB, 0, &jpeg, &size);

  int32_t dh = -1, dw = -1;
  int status = xfer_jpeg_decode_rgb(jpeg, (int64_t)size, XFER_JPEG_IDCT_FAST, NULL, 0, &dh, &dw);
  EXPECT(status == XFER_ERR_BAD_SHAPE && dh == h && dw == w, "sizing call: status %d, %dx%d", status, dh, dw);

  size_t bytes = (size_t)h * w * 3;
  uint8_t* fast = malloc(bytes + CHECK_GUARD_BYTES);
  uint8_t* accurate = malloc(bytes + CHECK_GUARD_BYTES);
  check_pattern_fill(fast, bytes + CHECK_GUARD_BYTES);
  check_pattern_fill(accurate, bytes + CHECK_GUARD_BYTES);
  status = xfer_jpeg_decode_rgb(jpeg, (int64_t)size, XFER_JPEG_IDCT_FAST, fast, (int64_t)bytes, &dh, &dw);
  EXPECT(status == XFER_OK, "fast decode: %s", xfer_jpeg_last_error());
  status = xfer_jpeg_decode_rgb(jpeg, (int64_t)size, XFER_JPEG_IDCT_ACCURATE, accurate, (int64_t)bytes, &dh, &dw);
  EXPECT(status == XFER_OK, "accurate decode: %s", xfer_jpeg_last_error());
  EXPECT(check_guard("fast", fast, bytes), "fast decode wrote past H * W * 3");
  EXPECT(check_guard("accurate", accurate, bytes), "accurate decode wrote past H * W * 3");
  int worst = 0;
  size_t differ = 0;
  for (size_t i = 0; i < bytes; i++) {
    int d = abs((int)accurate[i] - (int)src[i]);
    if (d > worst) worst = d;
    if (fast[i] != accurate[i]) differ++;
  }
  printf("rgb 37x29 q90: accurate within %d of the source; fast differs from accurate in %zu of %zu samples\n",
         worst, differ, bytes);
  EXPECT(worst <= 12, "accurate decode is %d grey levels from its source", worst);
  EXPECT(differ > 0, "the two IDCTs gave identical pixels");

  status = xfer_jpeg_decode_rgb(jpeg, (int64_t)size, XFER_JPEG_IDCT_FAST, fast, (int64_t)bytes - 1, &dh, &dw);
  EXPECT(status == XFER_ERR_BAD_SHAPE, "a buffer one byte short: status %d", status);
  EXPECT(xfer_jpeg_decode_rgb(jpeg, (int64_t)size, 7, fast, (int64_t)bytes, &dh, &dw) == XFER_ERR_BAD_SHAPE,
         "an unknown IDCT code is refused");
  EXPECT(xfer_jpeg_decode_rgb(NULL, 10, XFER_JPEG_IDCT_FAST, fast, (int64_t)bytes, &dh, &dw) == XFER_ERR_NULL_POINTER,
         "NULL data is refused");
  free(fast);
  free(accurate);
  free(jpeg);
}

static void test_cmyk_without_adobe_marker(void) {
  const int h = 16, w = 24;
  check_rng rng = {2};
  uint8_t src[16 * 24 * 4];
  smooth(src, h, w, 4, &rng);
  unsigned char* jpeg;
  unsigned long size;
  encode(src, h, w, 4, JCS_CMYK, 0, &jpeg, &size);
  int adobe = -1;
  uint8_t* cmyk = decode_cmyk(jpeg, size, &adobe);
  EXPECT(adobe == 0, "the fixture should have no Adobe marker");
  uint8_t rgb[16 * 24 * 3];
  int32_t dh, dw;
  int status = xfer_jpeg_decode_rgb(jpeg, (int64_t)size, XFER_JPEG_IDCT_ACCURATE, rgb, (int64_t)sizeof rgb, &dh, &dw);
  EXPECT(status == XFER_OK, "CMYK decode: %s", xfer_jpeg_last_error());
  size_t wrong = 0;
  for (int i = 0; i < h * w; i++) {
    int k = cmyk[4 * i + 3];
    for (int c = 0; c < 3; c++) {
      int expected = (255 - k) * (255 - cmyk[4 * i + c]) / 255;
      if (rgb[3 * i + c] != expected) wrong++;
    }
  }
  printf("plain CMYK 24x16: %zu of %d samples differ from TF's formula\n", wrong, h * w * 3);
  EXPECT(wrong == 0, "%zu samples differ from (255 - k) * (255 - c) / 255", wrong);
  free(cmyk);
  free(jpeg);
}

static void test_garbage(void) {
  unsigned char junk[64];
  check_rng rng = {3};
  check_fill_bytes(&rng, junk, sizeof junk);
  junk[0] = 0xFF;
  junk[1] = 0xD8;  /* a JPEG start, then noise */
  uint8_t out[64];
  int32_t dh, dw;
  int status = xfer_jpeg_decode_rgb(junk, sizeof junk, XFER_JPEG_IDCT_FAST, out, sizeof out, &dh, &dw);
  printf("garbage: status %d, \"%s\"\n", status, xfer_jpeg_last_error());
  EXPECT(status == XFER_ERR_DECODE, "garbage: status %d", status);
  EXPECT(strncmp(xfer_jpeg_last_error(), "libjpeg: ", 9) == 0, "garbage: message \"%s\"", xfer_jpeg_last_error());
}

int main(void) {
  test_rgb();
  test_cmyk_without_adobe_marker();
  test_garbage();
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
