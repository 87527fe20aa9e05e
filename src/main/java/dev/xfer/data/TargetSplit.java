package dev.xfer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A labelled target-domain folder split for {@code xfer adapt}: per class, a test part chosen with
 * {@code splitSeed} (the same for every experiment seed, so unadapted accuracies are comparable), then
 * from the rest, with the experiment seed, {@code labelsPerClass} labelled images for fine-tuning and
 * {@code adaptPerClass} further images for AdaBN (used without their labels). The three parts are
 * disjoint. The test part is in class order; the labelled and unlabelled parts are in a seeded random
 * order across classes (AdaBN then sees batches that mix classes).
 *
 * @param test test images
 * @param labelled images for fine-tuning (empty when {@code labelsPerClass} is 0)
 * @param unlabelled images for BatchNorm re-estimation
 */
public record TargetSplit(List<Sample> test, List<Sample> labelled, List<Sample> unlabelled) {
  /**
   * Images per class in each part; {@code testPerClass} null = half of each class (rounded down, at
   * least 1), {@code adaptPerClass} null = all images left after test and labelled.
   */
  public record Sizes(Integer testPerClass, int labelsPerClass, Integer adaptPerClass) {
    public Sizes {
      if (testPerClass != null && testPerClass < 1) throw new IllegalArgumentException("--test-per-class: expected >= 1, found " + testPerClass);
      if (labelsPerClass < 0) throw new IllegalArgumentException("--labels-per-class: expected >= 0, found " + labelsPerClass);
      if (adaptPerClass != null && adaptPerClass < 1) throw new IllegalArgumentException("--adapt-per-class: expected >= 1, found " + adaptPerClass);
    }
  }

  /** Splits {@code samples} (labels 0..classNames-1) as described above. */
  public static TargetSplit of(List<Sample> samples, List<String> classNames, Sizes sizes, long splitSeed, long seed) {
    List<Sample> test = new ArrayList<>();
    List<Sample> labelled = new ArrayList<>();
    List<Sample> unlabelled = new ArrayList<>();
    for (int k = 0; k < classNames.size(); k++) {
      List<Sample> cls = new ArrayList<>();
      for (Sample s : samples) if (s.label() == k) cls.add(s);
      Collections.shuffle(cls, new Random(splitSeed * 1_000_003L + k));
      int nTest = sizes.testPerClass() != null ? sizes.testPerClass() : Math.max(1, cls.size() / 2);
      int nAdapt = sizes.adaptPerClass() != null ? sizes.adaptPerClass() : cls.size() - nTest - sizes.labelsPerClass();
      if (nAdapt < 1 || nTest + sizes.labelsPerClass() + nAdapt > cls.size()) {
        throw new IllegalArgumentException("class " + classNames.get(k) + " has " + cls.size() + " images; the split needs " + nTest
            + " for test + " + sizes.labelsPerClass() + " labelled + " + Math.max(1, nAdapt) + " for AdaBN");
      }
      test.addAll(cls.subList(0, nTest));
      List<Sample> rest = new ArrayList<>(cls.subList(nTest, cls.size()));
      Collections.shuffle(rest, new Random(seed * 1_000_003L + k));
      labelled.addAll(rest.subList(0, sizes.labelsPerClass()));
      unlabelled.addAll(rest.subList(sizes.labelsPerClass(), sizes.labelsPerClass() + nAdapt));
    }
    Collections.shuffle(labelled, new Random(seed));
    Collections.shuffle(unlabelled, new Random(seed + 1));
    return new TargetSplit(List.copyOf(test), List.copyOf(labelled), List.copyOf(unlabelled));
  }
}
