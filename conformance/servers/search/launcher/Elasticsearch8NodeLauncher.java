import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.Node;

/**
 * Runs one Elasticsearch 8 node in this JVM from the server jars Elastic publishes on Maven
 * Central (org.elasticsearch:elasticsearch). There is no codelibs runner for 8.x on Central, so
 * this does what the distribution's bootstrap does minus the security manager, native checks and
 * bootstrap checks: configure logging, build the Environment, construct and start a Node.
 *
 * The HTTP layer comes from the transport-netty4 module (org.elasticsearch.plugin:transport-netty4
 * on Central), which install.sh lays out as a module directory under path.home/modules, the way a
 * distribution ships it; the node's PluginsService loads it from there. Nothing from x-pack runs:
 * no security, so plain HTTP without credentials.
 *
 * The few calls whose signatures changed within 8.x go through reflection, so the one launcher
 * compiles and runs against 8.5 (Node(Environment)) and 8.17+ (Node(Environment, PluginsLoader)).
 *
 * Usage: Elasticsearch8NodeLauncher basePath clusterName httpPort [setting=value ...]
 * basePath holds data, logs and config; path.home (the module layout) defaults to basePath.
 */
public final class Elasticsearch8NodeLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Elasticsearch8NodeLauncher basePath clusterName httpPort [setting=value ...]");
      System.exit(2);
    }
    Path basePath = Paths.get(args[0]).toAbsolutePath();
    String clusterName = args[1];
    int httpPort = Integer.parseInt(args[2]);
    Map<String, String> userSettings = NodeSettingsArgs.parse(args, 3);

    Path config = Files.createDirectories(basePath.resolve("config"));
    Settings.Builder builder = Settings.builder()
        .put("path.home", basePath.toString())
        .put("path.data", Files.createDirectories(basePath.resolve("data")).toString())
        .put("path.logs", Files.createDirectories(basePath.resolve("logs")).toString())
        .put("cluster.name", clusterName)
        .put("node.name", "node_1")
        .put("logger.level", "INFO");
    userSettings.forEach(builder::put);
    builder.put("http.port", Integer.toString(httpPort));
    Settings settings = builder.build();

    invokeIfPresent(LogConfigurator.class, "loadLog4jPlugins");
    LogConfigurator.configureESLogging();
    LogConfigurator.configureWithoutConfig(settings);

    Node node = newNode(new Environment(settings, config));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
        node.awaitClose(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("closing the node failed: " + e);
      } finally {
        stopped.countDown();
      }
    }));
    node.start();
    System.out.println("hourglass: node is up on 127.0.0.1:" + httpPort);
    stopped.await();
  }

  private static void invokeIfPresent(Class<?> type, String staticMethod) throws Exception {
    try {
      type.getMethod(staticMethod).invoke(null);
    } catch (NoSuchMethodException absent) {
      // Later 8.x releases register the log4j plugins themselves.
    }
  }

  /** Node(Environment) up to 8.16; from 8.17 the caller loads the module and plugin bundles first. */
  private static Node newNode(Environment environment) throws Exception {
    try {
      return Node.class.getConstructor(Environment.class).newInstance(environment);
    } catch (NoSuchMethodException newerRelease) {
      Class<?> loaderType = Class.forName("org.elasticsearch.plugins.PluginsLoader");
      // Environment's accessors for these directories were renamed within 8.x; path.home is stable.
      Path home = Paths.get(environment.settings().get("path.home"));
      Object modules = loaderType.getMethod("loadModulesBundles", Path.class).invoke(null, home.resolve("modules"));
      Object plugins = loaderType.getMethod("loadPluginsBundles", Path.class).invoke(null, home.resolve("plugins"));
      Object loader;
      try {
        // withServerExports=false: the server is on the class path here, not a named module whose
        // qualified exports could be extended to the plugin layers (the default would fail on that).
        Method create = loaderType.getMethod("createPluginsLoader", Set.class, Set.class, Map.class, boolean.class);
        loader = create.invoke(null, modules, plugins, Map.of(), false);
      } catch (NoSuchMethodException older) {
        loader = loaderType.getMethod("createPluginsLoader", Set.class, Set.class, Map.class).invoke(null, modules, plugins, Map.of());
      }
      Constructor<Node> constructor = Node.class.getConstructor(Environment.class, loaderType);
      return constructor.newInstance(environment, loader);
    }
  }
}
