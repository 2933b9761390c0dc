import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.client.ApiClient;
import io.swagger.client.api.OperationsApi;
import io.swagger.client.api.PeopleApi;
import io.swagger.client.api.PlatformApi;
import io.swagger.client.api.RulesApi;
import io.swagger.client.auth.OAuth;
import io.swagger.client.model.Council;
import io.swagger.client.model.CouncilPatch;
import io.swagger.client.model.CreatePersonRequest;
import io.swagger.client.model.Person;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestTemplate;

/**
 * The generated Java client against a started service (RAS_URL, RAS_KEY: the demo admin key), as a
 * record-system supplier's integration would call it: reads, a person created, a council change
 * with If-Match (which the client requires), and a change without a current ETag refused.
 * `scripts/java-client-check.mjs` generates the client, compiles this and runs it.
 */
public class Smoke {
  private static int passed = 0;
  private static int failed = 0;

  private static void check(String what, boolean ok, Object seen) {
    if (ok) passed++;
    else {
      failed++;
      System.out.println("FAILED " + what + ": " + seen);
    }
    System.out.println((ok ? "ok   " : "FAIL ") + what);
  }

  public static void main(String[] args) {
    // Java's own HttpURLConnection cannot send PATCH: Apache HttpClient can (Spring's factory for it).
    RestTemplate rest = new RestTemplate(new HttpComponentsClientHttpRequestFactory());
    // A merge patch names only what changes: leave unset fields out rather than send them as null.
    for (Object converter : rest.getMessageConverters())
      if (converter instanceof MappingJackson2HttpMessageConverter)
        ((MappingJackson2HttpMessageConverter) converter).getObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    ApiClient client = new ApiClient(rest).setBasePath(System.getenv("RAS_URL"));
    ((OAuth) client.getAuthentication("apiKey")).setAccessToken(System.getenv("RAS_KEY"));

    check("getHealth", "ok".equals(String.valueOf(new OperationsApi(client).getHealth().getStatus())), "not ok");
    check("getVersion", new OperationsApi(client).getVersion().getVersion() != null, "no version");

    PlatformApi platform = new PlatformApi(client);
    Council council = platform.getCouncil();
    check("getCouncil", "Demo Borough".equals(council.getName()), council.getName());
    check("listQuestionnaires", !new RulesApi(client).listQuestionnaires(null, 5, null).getItems().isEmpty(), "none");

    PeopleApi people = new PeopleApi(client);
    Person person =
        people.createPerson(
            new CreatePersonRequest().putExternalIdsItem("carefirst", "JAVA-" + System.nanoTime()).clientGroup("older-people"),
            null);
    check("createPerson", person.getId() != null && "older-people".equals(person.getClientGroup()), person);
    check("listPeople", people.listPeople(null, "older-people", 200, null).getItems().stream().anyMatch(p -> p.getId().equals(person.getId())), "not listed");

    // updateCouncil: the If-Match the client requires is the ETag of the version read.
    String etag = "\"" + council.getVersion() + "\"";
    Council renamed = platform.updateCouncil(new CouncilPatch().name("Demo Borough (Java)"), etag);
    check("updateCouncil", "Demo Borough (Java)".equals(renamed.getName()) && renamed.getVersion() == council.getVersion() + 1, renamed.getName());
    check("updateCouncil kept the settings", renamed.getSettings() != null && renamed.getSettings().equals(council.getSettings()), renamed.getSettings());
    try {
      platform.updateCouncil(new CouncilPatch().name("Stale"), etag);
      check("updateCouncil with a stale ETag is refused", false, "accepted");
    } catch (HttpClientErrorException refused) {
      check("updateCouncil with a stale ETag is refused (412)", refused.getRawStatusCode() == 412, refused.getRawStatusCode());
    }
    platform.updateCouncil(new CouncilPatch().name("Demo Borough"), "\"" + renamed.getVersion() + "\"");

    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
