/*
 * The C ABI from C: open a model, predict and embed uint8 images, compare the probabilities with
 * `xfer predict` (Java) and the embedding with `xfer embed`, and check the error path.
 *
 *   test_embed_c_api MODEL IMAGES_DIR EXPECTED_DIR
 *
 * IMAGES_DIR holds 0-*.npy .. 6-*.npy (uint8, (H, W, 3)); EXPECTED_DIR probs.npy (N, K) and
 * embed.npy (N, C), float32.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xfer/embed.h"

#define MAX_IMAGES 16

static int failures = 0;

/* A .npy file's data and shape (version 1 header, C order); dims[] gets up to 4 sizes. */
static unsigned char* read_npy(const char* path, long dims[4], int* ndim, size_t* bytes) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char pre[10];
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) { fclose(f); return NULL; }
  size_t hlen = pre[8] | (pre[9] << 8);
  char* header = calloc(hlen + 1, 1);
  if (fread(header, 1, hlen, f) != hlen) { fclose(f); free(header); return NULL; }
  char* s = strstr(header, "'shape': (");
  *ndim = 0;
  for (s += 10; *s && *s != ')' && *ndim < 4;) {
    char* end;
    long v = strtol(s, &end, 10);
    if (end == s) { s++; continue; }
    dims[(*ndim)++] = v;
    s = end;
  }
  free(header);
  long start = ftell(f);
  fseek(f, 0, SEEK_END);
  *bytes = (size_t)(ftell(f) - start);
  fseek(f, start, SEEK_SET);
  unsigned char* data = malloc(*bytes);
  if (fread(data, 1, *bytes, f) != *bytes) { fclose(f); free(data); return NULL; }
  fclose(f);
  return data;
}

static int by_name(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void compare(const char* what, const float* got, const float* want, long count, double atol) {
  double max_err = 0;
  long bad = 0;
  for (long i = 0; i < count; i++) {
    double e = fabs((double)got[i] - (double)want[i]);
    if (!(e <= atol)) {
      if (bad < 5) printf("  [%ld] got %.9g expected %.9g\n", i, got[i], want[i]);
      bad++;
    }
    if (e > max_err) max_err = e;
  }
  printf("%s %s: max |diff| %.3g over %ld values (tolerance %.0e)\n", bad ? "FAIL" : "ok  ", what, max_err, count, atol);
  if (bad) failures++;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MODEL IMAGES_DIR EXPECTED_DIR\n", argv[0]);
    return 2;
  }
  /* the images, in name order */
  char* names[MAX_IMAGES];
  int n = 0;
  DIR* d = opendir(argv[2]);
  struct dirent* e;
  while (d && (e = readdir(d)) && n < MAX_IMAGES) {
    size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".npy") == 0) names[n++] = strdup(e->d_name);
  }
  if (d) closedir(d);
  qsort(names, (size_t)n, sizeof(char*), by_name);
  const uint8_t* images[MAX_IMAGES];
  int32_t heights[MAX_IMAGES], widths[MAX_IMAGES];
  char path[4096];
  for (int i = 0; i < n; i++) {
    long dims[4];
    int ndim;
    size_t bytes;
    snprintf(path, sizeof path, "%s/%s", argv[2], names[i]);
    images[i] = read_npy(path, dims, &ndim, &bytes);
    if (!images[i] || ndim != 3 || dims[2] != 3) {
      printf("FAIL cannot read %s as a uint8 (H, W, 3) .npy\n", path);
      return 1;
    }
    heights[i] = (int32_t)dims[0];
    widths[i] = (int32_t)dims[1];
  }

  xfer_model* model = xfer_model_open(argv[1], "cpu");
  if (!model) {
    printf("FAIL xfer_model_open: %s\n", xfer_last_error());
    return 1;
  }
  int32_t k = xfer_model_num_classes(model);
  int64_t c = xfer_model_feature_channels(model);
  printf("ok   opened %s: %d px, %ld features, %d classes (class 0: %s)\n", argv[1], xfer_model_image_size(model),
         (long)c, k, xfer_model_class_name(model, 0));
  if (xfer_model_class_name(model, k) != NULL) { printf("FAIL class name %d should be NULL\n", k); failures++; }

  long dims[4];
  int ndim;
  size_t bytes;
  snprintf(path, sizeof path, "%s/probs.npy", argv[3]);
  float* want_probs = (float*)read_npy(path, dims, &ndim, &bytes);
  float* probs = malloc(sizeof(float) * (size_t)n * (size_t)k);
  if (!want_probs || dims[0] != n || dims[1] != k) { printf("FAIL %s: expected (%d, %d)\n", path, n, k); return 1; }
  if (xfer_model_predict(model, images, heights, widths, n, probs) != 0) {
    printf("FAIL xfer_model_predict: %s\n", xfer_last_error());
    return 1;
  }
  compare("xfer_model_predict vs xfer predict", probs, want_probs, (long)n * k, 1e-5);

  snprintf(path, sizeof path, "%s/embed.npy", argv[3]);
  float* want_embed = (float*)read_npy(path, dims, &ndim, &bytes);
  float* features = malloc(sizeof(float) * (size_t)n * (size_t)c);
  if (!want_embed || dims[0] != n || dims[1] != c) { printf("FAIL %s: expected (%d, %ld)\n", path, n, (long)c); return 1; }
  if (xfer_model_embed(model, images, heights, widths, n, features) != 0) {
    printf("FAIL xfer_model_embed: %s\n", xfer_last_error());
    return 1;
  }
  compare("xfer_model_embed vs xfer embed", features, want_embed, (long)n * (long)c, 1e-5);

  /* errors: a NULL image array, n = 0, an absent file; each says why */
  int rc = xfer_model_predict(model, NULL, heights, widths, n, probs);
  printf("%s NULL images -> %d: %s\n", rc == -1 && strstr(xfer_last_error(), "NULL") ? "ok  " : "FAIL", rc, xfer_last_error());
  if (!(rc == -1 && strstr(xfer_last_error(), "NULL"))) failures++;
  rc = xfer_model_embed(model, images, heights, widths, 0, features);
  printf("%s n = 0 -> %d: %s\n", rc == -1 && strstr(xfer_last_error(), "found 0") ? "ok  " : "FAIL", rc, xfer_last_error());
  if (!(rc == -1 && strstr(xfer_last_error(), "found 0"))) failures++;
  xfer_model* absent = xfer_model_open("/nonexistent/model.safetensors", "cpu");
  int ok = absent == NULL && strstr(xfer_last_error(), "/nonexistent/model.safetensors") != NULL;
  printf("%s open of an absent file -> NULL: %s\n", ok ? "ok  " : "FAIL", xfer_last_error());
  if (!ok) failures++;
  xfer_model* bad_device = xfer_model_open(argv[1], "tpu");
  ok = bad_device == NULL && strlen(xfer_last_error()) > 0;
  printf("%s device \"tpu\" -> NULL: %.120s\n", ok ? "ok  " : "FAIL", xfer_last_error());
  if (!ok) failures++;

  xfer_model_close(model);
  xfer_model_close(NULL);
  for (int i = 0; i < n; i++) { free((void*)images[i]); free(names[i]); }
  free(want_probs); free(probs); free(want_embed); free(features);
  printf("%s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
