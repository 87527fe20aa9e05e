/*
 * JPEG decoding with libjpeg-turbo (linked statically), configured the way TensorFlow's
 * decode_jpeg(channels=3) configures it, so that Keras pipelines (tfds, tf.io.decode_jpeg) and xfer
 * see the same uint8 pixels:
 *   - IDCT: JDCT_IFAST for XFER_JPEG_IDCT_FAST (TF's default dct_method ""), JDCT_ISLOW for
 *     XFER_JPEG_IDCT_ACCURATE (TF's "INTEGER_ACCURATE"; also what OpenCV and PIL use);
 *   - fancy (triangle-filter) chroma upsampling on, scale 1/1, no EXIF orientation;
 *   - output RGB; a grayscale file becomes three equal channels (libjpeg's own conversion);
 *   - CMYK and YCCK files are decoded as CMYK and converted with TF's integer formula: with an Adobe
 *     marker (inverted CMYK) r = k * c / 255, otherwise r = (255 - k) * (255 - c) / 255.
 * Errors never abort: libjpeg's error_exit long-jumps back here and the message is kept per thread.
 * Warnings (recoverable data corruption) are counted by libjpeg and not printed.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "xfer/kernels.h"

static _Thread_local char last_error[JMSG_LENGTH_MAX + 64];

/* libjpeg's message texts, built from its public jerror.h the way that header documents. Our own
 * error manager (instead of jpeg_std_error) keeps libjpeg's jerror.o, which writes to stderr and
 * cannot be linked into a shared library from Debian's PIE-built archive, out of this library. */
#define JVERSION "libjpeg-turbo"  /* referenced by one message text; jversion.h is not installed */
#define JCOPYRIGHT_SHORT ""
#define JMESSAGE(code, string) string,
static const char* const message_table[] = {
#include <jerror.h>
    NULL};
#undef JMESSAGE

struct error_trap {
  struct jpeg_error_mgr mgr;  /* first: libjpeg sees a jpeg_error_mgr* */
  jmp_buf jump;
};

static void format_message(j_common_ptr cinfo, char* buffer) {
  struct jpeg_error_mgr* err = cinfo->err;
  int code = err->msg_code;
  const char* text = code > 0 && code <= err->last_jpeg_message ? err->jpeg_message_table[code] : NULL;
  if (text == NULL) {
    snprintf(buffer, JMSG_LENGTH_MAX, "unknown libjpeg message %d", code);
  } else if (strstr(text, "%s") != NULL) {
    snprintf(buffer, JMSG_LENGTH_MAX, text, err->msg_parm.s);
  } else {
    const int* p = err->msg_parm.i;
    snprintf(buffer, JMSG_LENGTH_MAX, text, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
  }
}

static void trap_error_exit(j_common_ptr cinfo) {
  struct error_trap* trap = (struct error_trap*)cinfo->err;
  char message[JMSG_LENGTH_MAX];
  format_message(cinfo, message);
  snprintf(last_error, sizeof last_error, "libjpeg: %s", message);
  longjmp(trap->jump, 1);
}

/* Warnings (level < 0) are counted, trace messages ignored; nothing is printed. */
static void count_message(j_common_ptr cinfo, int level) {
  if (level < 0) cinfo->err->num_warnings++;
}

static void ignore_message(j_common_ptr cinfo) {
  (void)cinfo;
}

static void reset_errors(j_common_ptr cinfo) {
  cinfo->err->num_warnings = 0;
  cinfo->err->msg_code = 0;
}

static struct jpeg_error_mgr* init_errors(struct error_trap* trap) {
  memset(&trap->mgr, 0, sizeof trap->mgr);
  trap->mgr.error_exit = trap_error_exit;
  trap->mgr.emit_message = count_message;
  trap->mgr.output_message = ignore_message;
  trap->mgr.format_message = format_message;
  trap->mgr.reset_error_mgr = reset_errors;
  trap->mgr.jpeg_message_table = message_table;
  trap->mgr.last_jpeg_message = (int)JMSG_LASTMSGCODE - 1;
  return &trap->mgr;
}

const char* xfer_jpeg_last_error(void) {
  return last_error;
}

/* One CMYK scanline to RGB, TF's rounding (integer division, truncating). */
static void cmyk_to_rgb(const JSAMPLE* cmyk, uint8_t* rgb, JDIMENSION width, int adobe_inverted) {
  for (JDIMENSION x = 0; x < width; x++) {
    int c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
    if (adobe_inverted) {
      rgb[3 * x] = (uint8_t)(k * c / 255);
      rgb[3 * x + 1] = (uint8_t)(k * m / 255);
      rgb[3 * x + 2] = (uint8_t)(k * y / 255);
    } else {
      rgb[3 * x] = (uint8_t)((255 - k) * (255 - c) / 255);
      rgb[3 * x + 1] = (uint8_t)((255 - k) * (255 - m) / 255);
      rgb[3 * x + 2] = (uint8_t)((255 - k) * (255 - y) / 255);
    }
  }
}

int xfer_jpeg_decode_rgb(const uint8_t* data, int64_t size, int32_t idct, uint8_t* out, int64_t capacity,
                         int32_t* height, int32_t* width) {
  if (data == NULL || height == NULL || width == NULL) return XFER_ERR_NULL_POINTER;
  if (size <= 0) return XFER_ERR_BAD_SHAPE;
  if (idct != XFER_JPEG_IDCT_FAST && idct != XFER_JPEG_IDCT_ACCURATE) return XFER_ERR_BAD_SHAPE;
  last_error[0] = '\0';
  *height = 0;
  *width = 0;

  struct jpeg_decompress_struct cinfo;
  struct error_trap trap;
  JSAMPLE* volatile cmyk_row = NULL;  /* volatile: read after a longjmp */
  cinfo.err = init_errors(&trap);
  if (setjmp(trap.jump)) {
    free(cmyk_row);
    jpeg_destroy_decompress(&cinfo);
    return XFER_ERR_DECODE;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_read_header(&cinfo, TRUE);

  int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  cinfo.do_fancy_upsampling = TRUE;
  cinfo.scale_num = 1;
  cinfo.scale_denom = 1;
  cinfo.dct_method = idct == XFER_JPEG_IDCT_FAST ? JDCT_IFAST : JDCT_ISLOW;
  jpeg_calc_output_dimensions(&cinfo);
  *height = (int32_t)cinfo.output_height;
  *width = (int32_t)cinfo.output_width;
  int64_t needed = (int64_t)cinfo.output_height * cinfo.output_width * 3;
  if (out == NULL || capacity < needed) {
    jpeg_destroy_decompress(&cinfo);
    snprintf(last_error, sizeof last_error, "output buffer of %lld bytes, %lld needed", (long long)capacity,
             (long long)needed);
    return XFER_ERR_BAD_SHAPE;
  }

  jpeg_start_decompress(&cinfo);
  if (cmyk) {
    cmyk_row = malloc((size_t)cinfo.output_width * 4);
    if (cmyk_row == NULL) {
      jpeg_destroy_decompress(&cinfo);
      return XFER_ERR_OUT_OF_MEMORY;
    }
  }
  size_t stride = (size_t)cinfo.output_width * 3;
  while (cinfo.output_scanline < cinfo.output_height) {
    uint8_t* row = out + (size_t)cinfo.output_scanline * stride;
    JSAMPROW target = cmyk ? cmyk_row : row;
    if (jpeg_read_scanlines(&cinfo, &target, 1) != 1) {
      snprintf(last_error, sizeof last_error, "libjpeg: no data for row %u of %u", cinfo.output_scanline,
               cinfo.output_height);
      free(cmyk_row);
      jpeg_destroy_decompress(&cinfo);
      return XFER_ERR_DECODE;
    }
    if (cmyk) cmyk_to_rgb(cmyk_row, row, cinfo.output_width, cinfo.saw_Adobe_marker);
  }
  jpeg_finish_decompress(&cinfo);
  free(cmyk_row);
  jpeg_destroy_decompress(&cinfo);
  return XFER_OK;
}
