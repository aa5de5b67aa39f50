import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AGE_WINDOW_MS, CloudWatchAgeError, cloudWatchAges } from '../../src/scale/cloudwatch-age.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { fakeCloudWatch } from './fake-cloudwatch.ts';

const MINUTE = 60_000;

describe('cloudWatchAges over a real CloudWatch JSON endpoint', () => {
  const fake = fakeCloudWatch();
  let endpoint = '';
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const reader = () => cloudWatchAges({ endpoint, region: 'us-east-1', clock });
  const query = (queue: string, id: string) => ({
    Id: id,
    Label: queue,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: queue }],
      },
      Period: 60,
      Stat: 'Maximum',
    },
    ReturnData: true,
  });

  before(async () => {
    endpoint = await fake.start();
  });
  after(() => fake.close());
  beforeEach(() => {
    clock.set(Date.UTC(2026, 0, 1, 12, 0, 0));
    fake.datapoints.clear();
    fake.statuses.clear();
    fake.requests.length = 0;
    fake.failWith(undefined);
  });

  it('returns the newest datapoint, asking for Maximum per minute over the 10 minutes ending now', async () => {
    const now = clock.now();
    fake.datapoints.set('push-jobs', [
      { timestamp: now - 3 * MINUTE, value: 40 },
      { timestamp: now - 2 * MINUTE, value: 55 },
      { timestamp: now - 4 * MINUTE, value: 70 },
      { timestamp: now - 12 * MINUTE, value: 999 }, // before the window
    ]);
    const ages = reader();
    try {
      assert.equal(await ages.ageOf('push-jobs'), 55);
    } finally {
      ages.close();
    }
    assert.equal(fake.requests.length, 1);
    const [request] = fake.requests;
    assert.equal(request?.action, 'GetMetricData');
    assert.equal(request?.headers['content-type'], 'application/x-amz-json-1.0');
    assert.deepEqual(request?.body, {
      MetricDataQueries: [query('push-jobs', 'q0')],
      StartTime: (now - AGE_WINDOW_MS) / 1000,
      EndTime: now / 1000,
      ScanBy: 'TimestampDescending',
    });
    assert.equal(AGE_WINDOW_MS, 10 * MINUTE);
  });

  it('answers undefined when CloudWatch has no datapoint, and the window follows the clock', async () => {
    fake.datapoints.set('push-jobs', [{ timestamp: clock.now() - MINUTE, value: 12 }]);
    const ages = reader();
    try {
      assert.equal(await ages.ageOf('idle-jobs'), undefined);
      assert.equal(await ages.ageOf('push-jobs'), 12);
      await clock.advance(6 * 60 * MINUTE); // six hours on: the queue went to sleep, no new points
      assert.equal(await ages.ageOf('push-jobs'), undefined);
      const last = fake.requests.at(-1)?.body;
      assert.equal(last?.EndTime, clock.now() / 1000);
      assert.equal(last?.StartTime, (clock.now() - AGE_WINDOW_MS) / 1000);
    } finally {
      ages.close();
    }
  });

  it('reads several queues in one GetMetricData call, leaving out those without data', async () => {
    const now = clock.now();
    fake.datapoints.set('push-jobs', [{ timestamp: now - 2 * MINUTE, value: 30 }]);
    fake.datapoints.set('mail-jobs', [
      { timestamp: now - 5 * MINUTE, value: 300 },
      { timestamp: now - MINUTE, value: 360 },
    ]);
    const ages = reader();
    try {
      const got = await ages.agesOf(['push-jobs', 'mail-jobs', 'idle-jobs', 'push-jobs']);
      assert.deepEqual(
        got,
        new Map([
          ['push-jobs', 30],
          ['mail-jobs', 360],
        ]),
      );
      assert.equal(fake.requests.length, 1);
      assert.deepEqual(fake.requests[0]?.body.MetricDataQueries, [
        query('push-jobs', 'q0'),
        query('mail-jobs', 'q1'),
        query('idle-jobs', 'q2'),
      ]);
      assert.deepEqual(await ages.agesOf([]), new Map());
      assert.equal(fake.requests.length, 1, 'no call for no queues');
    } finally {
      ages.close();
    }
  });

  it('splits more than 500 queues into calls of at most 500 queries', async () => {
    const names = Array.from({ length: 501 }, (_, i) => `queue-${i}`);
    fake.datapoints.set('queue-500', [{ timestamp: clock.now() - MINUTE, value: 9 }]);
    const ages = reader();
    try {
      assert.deepEqual(await ages.agesOf(names), new Map([['queue-500', 9]]));
    } finally {
      ages.close();
    }
    const sizes = fake.requests.map((r) => (r.body.MetricDataQueries as unknown[]).length);
    assert.deepEqual(sizes, [500, 1]);
  });

  it('turns an access denial into an error naming CloudWatch, the queues and the IAM permission', async () => {
    fake.failWith({
      status: 400,
      type: 'com.amazon.coral.service#AccessDeniedException',
      queryError: 'AccessDenied;Sender',
      message:
        'User: arn:aws:iam::123456789012:user/scaler is not authorized to perform: cloudwatch:GetMetricData',
    });
    const ages = reader();
    try {
      await assert.rejects(ages.ageOf('push-jobs'), (e: unknown) => {
        assert.ok(e instanceof CloudWatchAgeError);
        assert.match(e.message, /^CloudWatch GetMetricData .*queue "push-jobs" failed: AccessDenied: User: /);
        assert.match(e.message, /needs the IAM permission cloudwatch:GetMetricData/);
        assert.equal((e.cause as Error).name, 'AccessDenied');
        return true;
      });
      await assert.rejects(ages.agesOf(['push-jobs', 'mail-jobs']), /queues "push-jobs", "mail-jobs" failed/);
      assert.equal(fake.requests.length, 2, 'a 400 is not retried');
    } finally {
      ages.close();
    }
  });

  it('names the permission for other errors only when access is the problem', async () => {
    fake.failWith({
      status: 400,
      type: 'com.amazonaws.cloudwatch#InvalidParameterValueException',
      queryError: 'InvalidParameterValue;Sender',
      message: 'The value for parameter StartTime is invalid.',
    });
    const ages = reader();
    try {
      await assert.rejects(ages.ageOf('push-jobs'), (e: unknown) => {
        assert.ok(e instanceof CloudWatchAgeError);
        assert.match(
          e.message,
          /queue "push-jobs" failed: InvalidParameterValueException: The value for parameter/,
        );
        assert.doesNotMatch(e.message, /IAM permission/);
        return true;
      });
    } finally {
      ages.close();
    }
  });

  it('treats a query answered Forbidden as an error for that queue', async () => {
    fake.datapoints.set('push-jobs', [{ timestamp: clock.now() - MINUTE, value: 5 }]);
    fake.statuses.set('other-account-jobs', {
      code: 'Forbidden',
      messages: [{ Code: 'Forbidden', Value: 'Authentication too complex to retrieve cross region data' }],
    });
    const ages = reader();
    try {
      await assert.rejects(
        ages.agesOf(['push-jobs', 'other-account-jobs']),
        /^CloudWatchAgeError: CloudWatch GetMetricData for queue "other-account-jobs": Forbidden: Forbidden: Authentication too complex.*cloudwatch:GetMetricData/,
      );
    } finally {
      ages.close();
    }
  });
});
