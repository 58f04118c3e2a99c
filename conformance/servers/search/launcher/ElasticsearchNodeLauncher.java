import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;

/**
 * Runs one Elasticsearch node in this JVM through the codelibs cluster runner (the server code
 * from Maven Central, started without the distribution's bootstrap) and keeps the process in the
 * foreground until it is signalled; the shutdown hook closes the node cleanly.
 *
 * Usage: ElasticsearchNodeLauncher basePath clusterName httpPort [setting=value ...]
 */
public final class ElasticsearchNodeLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ElasticsearchNodeLauncher basePath clusterName httpPort [setting=value ...]");
      System.exit(2);
    }
    String basePath = args[0];
    String clusterName = args[1];
    int httpPort = Integer.parseInt(args[2]);
    Map<String, String> settings = NodeSettingsArgs.parse(args, 3);
    settings.put("http.port", Integer.toString(httpPort));

    ElasticsearchClusterRunner runner = new ElasticsearchClusterRunner();
    // A negative maximum makes the runner take baseHttpPort + 1 as given instead of probing for a free port.
    runner.setMaxHttpPort(-1);
    runner.onBuild((number, builder) -> settings.forEach(builder::put));

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.close();
      } catch (IOException e) {
        System.err.println("closing the node failed: " + e);
      } finally {
        stopped.countDown();
      }
    }));

    runner.build(new ElasticsearchClusterRunner.Configs()
        .basePath(basePath)
        .numOfNode(1)
        .baseHttpPort(httpPort - 1)
        .clusterName(clusterName));
    runner.ensureYellow();
    System.out.println("hourglass: node is up on 127.0.0.1:" + httpPort);
    stopped.await();
  }
}
