// Standalone Solr 9 on loopback from Maven jars: Solr's embedded Jetty runner serving <solr home> under /solr.
// Usage: java -cp <classes>:<classpath> SolrServer SOLR_HOME PORT READY_FILE (scripts/services/solr compiles it)
// READY_FILE is written once every core has loaded, since Solr answers on its port before that.
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class SolrServer {
  public static void main(String[] args) throws Exception {
    JettyConfig config = JettyConfig.builder()
        .setPort(Integer.parseInt(args[1]))
        .setContext("/solr")
        .stopAtShutdown(true)
        .waitForLoadingCoresToFinish(300_000L)
        .build();
    new JettySolrRunner(args[0], config).start();
    Files.writeString(Path.of(args[2]), "ready\n");
    Thread.currentThread().join();
  }
}
