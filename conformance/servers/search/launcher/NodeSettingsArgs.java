import java.util.LinkedHashMap;
import java.util.Map;

/** Parses trailing `setting=value` arguments in order. */
final class NodeSettingsArgs {
  static Map<String, String> parse(String[] args, int from) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = from; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("expected setting=value, got " + args[i]);
      settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    return settings;
  }
}
