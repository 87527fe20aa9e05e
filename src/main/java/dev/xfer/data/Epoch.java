package dev.xfer.data;

import dev.xfer.kernels.Tensors;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * One pass over a {@link Loader}'s samples: an {@code Iterable<Batch>} to iterate once, and an
 * {@code AutoCloseable} that stops its threads and frees batches not handed out. Closing it early
 * (e.g. after a {@code break}) is safe. Under {@link BadImagePolicy#FAIL} a bad image makes the
 * iterator throw {@link DataLoadingException} with the file's path.
 */
public final class Epoch implements Iterable<Batch>, AutoCloseable {
  private static final Object END = new Object();

  private final Loader loader;
  private final int epoch;
  private final int[] order;
  private final Consumer<Epoch> onClose;
  private final BlockingQueue<Object> ready;
  private final Future<?> assembler;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean cancelled;
  private boolean iterated;
  private boolean closed;

  Epoch(Loader loader, int epoch, int[] order, Consumer<Epoch> onClose) {
    this.loader = loader;
    this.epoch = epoch;
    this.order = order;
    this.onClose = onClose;
    this.ready = new ArrayBlockingQueue<>(loader.config().prefetchBatches() + 1);
    this.assembler = loader.batchers().submit(this::assemble);
  }

  /** The epoch number (it seeds the shuffle and the augmentation). */
  public int epoch() {
    return epoch;
  }

  @Override
  public Iterator<Batch> iterator() {
    if (iterated) throw new IllegalStateException("epoch " + epoch + " can be iterated once; ask the loader for a new epoch");
    iterated = true;
    return new Iterator<>() {
      private Object next;

      @Override
      public boolean hasNext() {
        if (next == null) next = take();
        return next != END;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        Batch b = (Batch) next;
        next = null;
        return b;
      }
    };
  }

  private Object take() {
    if (closed) return END;
    Object item;
    try {
      item = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new DataLoadingException("interrupted while waiting for a batch", e);
    }
    if (item == END) {
      close();
    } else if (item instanceof DataLoadingException e) {
      close();
      throw e;
    }
    return item;
  }

  /** Stops the assembler (waiting for in-flight decodes) and frees batches not yet taken. Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    cancelled = true;
    assembler.cancel(true);
    boolean interrupted = false;
    if (!started.compareAndSet(false, true)) {
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    for (Object o; (o = ready.poll()) != null; ) {
      if (o instanceof Batch b) b.close();
    }
    onClose.accept(this);
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** The assembler thread: keeps a window of image tasks in flight and forms batches in order. */
  private void assemble() {
    if (!started.compareAndSet(false, true)) return; // closed before it ran
    try {
      assembleBatches();
    } finally {
      done.countDown();
    }
  }

  private void assembleBatches() {
    LoaderConfig config = loader.config();
    int window = Math.max(config.batchSize(), 2 * config.decodeThreads());
    Deque<Future<Loader.Loaded>> inFlight = new ArrayDeque<>();
    List<Loader.Loaded> pending = new ArrayList<>();
    int next = 0;
    try {
      while (!cancelled) {
        while (inFlight.size() < window && next < order.length) {
          int position = next++;
          int index = order[position];
          inFlight.add(loader.pool().submit(() -> loader.load(index, epoch, position)));
        }
        if (inFlight.isEmpty()) break;
        Loader.Loaded item = inFlight.peek().get();
        inFlight.poll();
        if (item.image() != null) {
          pending.add(item);
        } else if (config.onBadImage() == BadImagePolicy.FAIL) {
          throw new DataLoadingException(item.bad());
        }
        if (pending.size() == config.batchSize()) offer(batch(pending));
      }
      if (!pending.isEmpty() && !cancelled) offer(batch(pending));
      offer(END);
    } catch (InterruptedException e) {
      // closed by the consumer
    } catch (DataLoadingException e) {
      tryOffer(e);
    } catch (ExecutionException | RuntimeException | Error e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      tryOffer(new DataLoadingException("data loading failed in epoch " + epoch + ": " + cause, cause));
    } finally {
      Thread.interrupted();
      for (Loader.Loaded item : pending) item.close();
      for (Future<Loader.Loaded> f : inFlight) {
        try {
          f.get().close();
        } catch (InterruptedException | ExecutionException | RuntimeException ignored) {
          // the task failed or the pool was shut down: nothing to free
        }
      }
    }
  }

  /** Preprocesses {@code items} into a new batch on the decode threads, frees them and clears the list. */
  private Batch batch(List<Loader.Loaded> items) throws InterruptedException, ExecutionException {
    int n = items.size();
    int s = loader.config().imageSize();
    long[] labels = new long[n];
    List<Path> files = new ArrayList<>(n);
    List<Future<?>> parts = new ArrayList<>(n);
    BatchBuffers buffers = loader.batchBuffers();
    Tensor images = buffers.take(n, 3, s, s);
    boolean handedOut = false;
    try (PointerScope scope = new PointerScope()) {
      try {
        for (int i = 0; i < n; i++) {
          Loader.Loaded item = items.get(i);
          Tensor slot = images.narrow(0, i, 1);
          parts.add(loader.pool().submit(() -> loader.preprocessInto(item, slot)));
          labels[i] = item.sample().label();
          files.add(item.sample().path());
        }
        for (Future<?> f : parts) f.get();
      } finally {
        awaitAll(parts); // never free the batch tensor while a thread may still write into it
      }
      Tensor labelTensor = Tensors.ofLongs(labels);
      labelTensor.retainReference();
      handedOut = true;
      return new Batch(images, labelTensor, files, buffers::giveBack);
    } finally {
      if (!handedOut) images.close();
      for (Loader.Loaded item : items) item.close();
      items.clear();
    }
  }

  private static void awaitAll(List<Future<?>> futures) {
    boolean interrupted = false;
    for (Future<?> f : futures) {
      while (!f.isDone()) {
        try {
          f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
          break;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void offer(Object item) throws InterruptedException {
    while (!cancelled) {
      if (ready.offer(item, 50, TimeUnit.MILLISECONDS)) return;
    }
    if (item instanceof Batch b) b.close();
    throw new InterruptedException("epoch closed");
  }

  private void tryOffer(Object item) {
    try {
      offer(item);
    } catch (InterruptedException ignored) {
      // closed meanwhile: nobody is waiting for the error
    }
  }
}
