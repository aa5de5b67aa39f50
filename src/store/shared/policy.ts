/** What the policy needs of a queue: its ARN and the grants AddPermission recorded, by label. */
interface Granted {
  arn: string;
  permissions: Record<string, unknown>;
}

/** The IAM policy document SQS derives from AddPermission grants (one-element lists collapse, as AWS writes them). */
export function policyOf(q: Granted): string {
  const statements = Object.entries(q.permissions).map(([label, grant]) => {
    const { accounts, actions } = grant as { accounts: string[]; actions: string[] };
    return {
      Sid: label,
      Effect: 'Allow',
      Principal: { AWS: single(accounts.map((a) => `arn:aws:iam::${a}:root`)) },
      Action: single(actions.map((a) => `SQS:${a}`)),
      Resource: q.arn,
    };
  });
  return JSON.stringify({ Version: '2008-10-17', Id: `${q.arn}/SQSDefaultPolicy`, Statement: statements });
}

const single = (list: string[]): string | string[] => (list.length === 1 ? list[0]! : list);
