import { launchProblem } from "./problems";
import { CloudFacts, ImageFacts, InstanceTypeFacts, LaunchField, LaunchProblem, LaunchProblemCode } from "./types";

/**
 * Rule 7's compatibility of an image and an instance type in a cloud: both must belong to the cloud, and the
 * instance type must run the image's architecture. Used for a launch and for an MCI's setting alike.
 * `mismatchField` names the setting to change to cure an architecture mismatch.
 */
export function compatibilityProblems(
  cloud: CloudFacts,
  image: ImageFacts | null,
  instanceType: InstanceTypeFacts | null,
  mismatchField: LaunchField = "instanceType",
): LaunchProblem[] {
  const problems: LaunchProblem[] = [];
  if (image && image.cloudId !== cloud.id) {
    problems.push(
      launchProblem(
        LaunchProblemCode.WRONG_CLOUD,
        "image",
        `Image ${image.resourceUid} belongs to another cloud than "${cloud.name}".`,
      ),
    );
  }
  if (instanceType && instanceType.cloudId !== cloud.id) {
    problems.push(
      launchProblem(
        LaunchProblemCode.WRONG_CLOUD,
        "instanceType",
        `Instance type ${instanceType.name} belongs to another cloud than "${cloud.name}".`,
      ),
    );
  }
  if (image && instanceType && !instanceType.cpuArchitectures.includes(image.cpuArchitecture)) {
    problems.push(
      launchProblem(
        LaunchProblemCode.ARCHITECTURE_MISMATCH,
        mismatchField,
        `Instance type ${instanceType.name} runs ${instanceType.cpuArchitectures.join(", ")} only, but image ${image.resourceUid} is ${image.cpuArchitecture}.`,
      ),
    );
  }
  return problems;
}
