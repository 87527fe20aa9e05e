package dev.xfer.testing;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives every test of a class its own {@link PointerScope}, open from before its {@code @BeforeEach} methods to
 * after its {@code @AfterEach} methods, so native temporaries a test creates are freed when it ends. A scope for
 * the whole class also spans {@code @BeforeAll} to {@code @AfterAll}: fixtures built there live until the class
 * is done. Register with {@code @ExtendWith(PointerScopeExtension.class)}.
 */
public final class PointerScopeExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PointerScopeExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    open(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    open(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close(context);
  }

  private static void open(ExtensionContext context) {
    context.getStore(NAMESPACE).put(PointerScope.class, new PointerScope());
  }

  private static void close(ExtensionContext context) {
    PointerScope scope = context.getStore(NAMESPACE).remove(PointerScope.class, PointerScope.class);
    if (scope != null) scope.close();
  }
}
