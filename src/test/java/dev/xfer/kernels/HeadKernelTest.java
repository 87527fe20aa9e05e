package dev.xfer.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xfer.testing.PointerScopeExtension;
import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The head kernels against LibTorch op chains: mean over H,W / linear / softmax, and autograd's
 * gradients of the cross-entropy. Features are non-negative like the ReLU output they stand for.
 */
@ExtendWith(PointerScopeExtension.class)
class HeadKernelTest {
  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest(name = "N={0} C={1} H=W={2} K={3}")
  @CsvSource({"32, 2048, 7, 5", "3, 2048, 10, 1000", "1, 1, 1, 1", "5, 33, 3, 7", "2, 728, 19, 2",
      "4, 17, 17, 9", "2, 9, 8, 13", "3, 11, 1, 4", "6, 16, 14, 3"})
  void forwardMatchesPoolLinearSoftmax(int n, int c, int s, int k) {
    Random rng = new Random(n * 1000L + c + s + k);
    Tensor x = Fixtures.uniform(rng, 0f, 4f, n, c, s, s);
    Tensor w = Fixtures.uniform(rng, -0.05f, 0.05f, k, c);
    Tensor b = Fixtures.uniform(rng, -0.5f, 0.5f, k);

    Tensor pooledRef = x.mean(2, 3);
    Tensor probsRef = torch.softmax(torch.linear(pooledRef, w, new TensorOptional(b)), 1);

    double probsError = Fixtures.maxRelativeError(
        Tensors.toFloatArray(HeadKernel.forward(x, w, b)), Tensors.toFloatArray(probsRef));
    double poolError = Fixtures.maxRelativeError(
        Tensors.toFloatArray(HeadKernel.pool(x)), Tensors.toFloatArray(pooledRef));
    System.out.printf("head N=%d C=%d HW=%d K=%d: probs rel error %.2e, pooled rel error %.2e%n", n, c, s * s, k, probsError, poolError);
    assertTrue(probsError <= TOLERANCE, "probs max relative error " + probsError);
    assertTrue(poolError <= TOLERANCE, "pooled max relative error " + poolError);
  }

  /**
   * Every row is pooled with the same arithmetic whichever SIMD path, batch or position it falls in,
   * so a sample's features and probabilities are bit-identical alone and inside any batch.
   */
  @ParameterizedTest(name = "N={0} C={1} H=W={2}")
  @CsvSource({"5, 33, 7", "3, 2048, 7", "4, 17, 17", "3, 12, 10", "9, 3, 1"})
  void aSampleGivesTheSameBitsAloneAndInABatch(int n, int c, int s) {
    Random rng = new Random(31L * n + c + s);
    Tensor x = Fixtures.uniform(rng, 0f, 4f, n, c, s, s);
    Tensor w = Fixtures.uniform(rng, -0.05f, 0.05f, 5, c);
    Tensor b = Fixtures.uniform(rng, -0.5f, 0.5f, 5);
    float[] pooled = Tensors.toFloatArray(HeadKernel.pool(x));
    float[] probs = Tensors.toFloatArray(HeadKernel.forward(x, w, b));
    for (int i = 0; i < n; i++) {
      Tensor one = x.narrow(0, i, 1).contiguous();
      float[] alone = Tensors.toFloatArray(HeadKernel.pool(one));
      float[] aloneProbs = Tensors.toFloatArray(HeadKernel.forward(one, w, b));
      for (int j = 0; j < c; j++) {
        assertEquals(Float.floatToIntBits(pooled[i * c + j]), Float.floatToIntBits(alone[j]), "sample " + i + " channel " + j);
      }
      for (int j = 0; j < 5; j++) {
        assertEquals(Float.floatToIntBits(probs[i * 5 + j]), Float.floatToIntBits(aloneProbs[j]), "sample " + i + " class " + j);
      }
    }
  }

  @ParameterizedTest(name = "N={0} C={1} K={2}")
  @CsvSource({"32, 2048, 5", "7, 64, 3", "1, 10, 2", "33, 512, 102"})
  void trainStepMatchesAutograd(int n, int c, int k) {
    Random rng = new Random(17L * n + c + k);
    Tensor pooled = Fixtures.uniform(rng, 0f, 2f, n, c);
    Tensor w = Fixtures.uniform(rng, -0.1f, 0.1f, k, c);
    Tensor b = Fixtures.uniform(rng, -0.5f, 0.5f, k);
    long[] y = new long[n];
    for (int i = 0; i < n; i++) y[i] = rng.nextInt(k);
    Tensor labels = Tensors.ofLongs(y);

    // Reference: autograd through linear -> log_softmax -> nll (mean), and per-sample losses.
    Tensor wRef = w.clone().requires_grad_(true);
    Tensor bRef = b.clone().requires_grad_(true);
    Tensor logits = torch.linear(pooled, wRef, new TensorOptional(bRef));
    logits.retain_grad();
    Tensor logProbs = torch.log_softmax(logits, 1);
    Tensor lossRef = torch.nll_loss(logProbs, labels);
    Tensor sampleRef = torch.nll_loss(logProbs, labels, new TensorOptional(), /* reduction=None */ 0, -100);
    lossRef.backward();

    HeadGradients g = HeadKernel.trainStep(pooled, w, b, labels);
    assertClose("loss", g.loss(), lossRef);
    assertClose("sample loss", g.sampleLoss(), sampleRef);
    assertClose("grad logits", g.gradLogits(), logits.grad());
    assertClose("grad weight", g.gradWeight(), wRef.grad());
    assertClose("grad bias", g.gradBias(), bRef.grad());
  }

  @Test
  void forwardWritesNothingPastTheOutput() {
    Random rng = new Random(3);
    int n = 4, c = 16, hw = 9, k = 3, guard = 256;
    Tensor x = Fixtures.uniform(rng, 0f, 1f, n, c, 3, 3);
    Tensor w = Fixtures.uniform(rng, -1f, 1f, k, c);
    Tensor b = Fixtures.uniform(rng, -1f, 1f, k);
    float sentinel = 777.25f;
    try (FloatPointer out = new FloatPointer(n * k + guard)) {
      for (int i = 0; i < n * k + guard; i++) out.put(i, sentinel);
      int status = NativeKernels.xfer_head_forward_cpu(x.data_ptr().address(), w.data_ptr().address(),
          b.data_ptr().address(), n, c, hw, k, out.address());
      assertEquals(NativeKernels.XFER_OK, status);
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < k; j++) sum += out.get(i * k + j);
        assertEquals(1.0, sum, 1e-6, "probabilities of sample " + i + " sum to 1");
      }
      for (int i = n * k; i < n * k + guard; i++) {
        assertEquals(sentinel, out.get(i), "guard float " + (i - n * k) + " overwritten");
      }
    }
    try (FloatPointer pooled = new FloatPointer(n * c + guard)) {
      for (int i = 0; i < n * c + guard; i++) pooled.put(i, sentinel);
      NativeKernels.xfer_head_pool_cpu(x.data_ptr().address(), n, c, hw, pooled.address());
      for (int i = n * c; i < n * c + guard; i++) assertEquals(sentinel, pooled.get(i));
    }
  }

  @Test
  void rejectsMismatchedShapesAndTypes() {
    Random rng = new Random(1);
    Tensor x = Fixtures.uniform(rng, 0f, 1f, 2, 8, 3, 3);
    Tensor w = Fixtures.uniform(rng, -1f, 1f, 5, 8);
    Tensor b = Fixtures.uniform(rng, -1f, 1f, 5);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HeadKernel.forward(x, Fixtures.uniform(rng, 0f, 1f, 5, 7), b));
    assertEquals("weight: expected size 8 in dimension 1 (C, the feature channels), found shape (5, 7)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> HeadKernel.forward(x, w, Fixtures.uniform(rng, 0f, 1f, 4)));
    assertEquals("bias: expected size 5 in dimension 0 (K, the rows of weight), found shape (4,)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> HeadKernel.forward(x.to(ScalarType.Double), w, b));
    assertEquals("features: expected dtype float32, found float64", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HeadKernel.pool(x.reshape(2, 8, 9)));
    assertEquals("features: expected 4 dimensions (N, C, H, W), found shape (2, 8, 9)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> HeadKernel.pool(x.permute(0, 2, 3, 1)));
    assertTrue(e.getMessage().startsWith("features: expected a contiguous tensor"), e.getMessage());

    Tensor pooled = Fixtures.uniform(rng, 0f, 1f, 2, 8);
    e = assertThrows(IllegalArgumentException.class,
        () -> HeadKernel.trainStep(pooled, w, b, Tensors.ofLongs(new long[] {0, 5})));
    assertEquals("labels: expected class indices in [0, 5), found values in [0, 5]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> HeadKernel.trainStep(pooled, w, b, Tensors.ofInts(new int[] {0, 1})));
    assertEquals("labels: expected dtype int64, found int32", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> HeadKernel.trainStep(pooled, w, b, Tensors.ofLongs(new long[] {0, 1, 2})));
    assertTrue(e.getMessage().startsWith("labels: expected size 2 in dimension 0"), e.getMessage());
  }

  @Test
  void nativeLayerRejectsBadLabelsItself() {
    // Defence in depth: a caller that skips the Java checks still gets a status, not a crash.
    Tensor pooled = torch.ones(2, 3);
    Tensor w = torch.zeros(4, 3);
    Tensor b = torch.zeros(4);
    Tensor labels = Tensors.ofLongs(new long[] {1, -1});
    try (FloatPointer out = new FloatPointer(64)) {
      long o = out.address();
      int status = NativeKernels.xfer_head_train_step_cpu(pooled.data_ptr().address(),
          w.data_ptr().address(), b.data_ptr().address(), labels.data_ptr().address(), 2, 3, 4,
          o, o + 4, o + 12, o + 44, o + 92);
      assertEquals(NativeKernels.XFER_ERR_BAD_LABEL, status);
      assertEquals(0L, NativeKernels.xfer_head_pool_cpu(0L, 1, 1, 1, o) - NativeKernels.XFER_ERR_NULL_POINTER);
    }
  }

  private static void assertClose(String what, Tensor got, Tensor want) {
    double err = Fixtures.maxScaledError(Tensors.toFloatArray(got), Tensors.toFloatArray(want));
    System.out.printf("train step %s: error %.2e%n", what, err);
    assertTrue(err <= TOLERANCE, what + ": max error relative to max |reference| = " + err);
  }
}
