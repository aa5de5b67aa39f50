/**
 * The model's dashboard as a CloudWatch dashboard body: its graphs in the
 * model's order, two a row, each line a metric or metric math and each
 * annotation a horizontal line (the target, an alarm's threshold), then
 * its note as text.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Dashboard } from '../aws/dashboard.ts';
import { dashboardRows, type ServiceDimensions } from './metrics.ts';

const WIDTH = 12;
const HEIGHT = 6;

/**
 * The dashboard's body (CloudWatch's JSON), resolved once the service's dimensions are.
 *
 * @example
 * dashboardBody(model.dashboard, { clusterName, serviceName }, 'us-east-1');
 */
export function dashboardBody(
  dashboard: Dashboard,
  service: ServiceDimensions,
  region: string,
): pulumi.Output<string> {
  // A graph with no line (no DLQ in the config) is left out: CloudWatch refuses it.
  const graphs = dashboard.widgets
    .filter((w) => w.lines.length > 0)
    .map((w, i) => ({
      type: 'metric',
      x: (i % 2) * WIDTH,
      y: Math.floor(i / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: w.title,
        region,
        view: 'timeSeries',
        stacked: false,
        metrics: w.lines.flatMap((line, l) => dashboardRows(line, `l${l}`, service)),
        ...(w.annotations.length > 0
          ? { annotations: { horizontal: w.annotations.map((a) => ({ label: a.label, value: a.value })) } }
          : {}),
      },
    }));
  const note = {
    type: 'text',
    x: 0,
    y: Math.ceil(graphs.length / 2) * HEIGHT,
    width: 2 * WIDTH,
    height: 2,
    properties: { markdown: dashboard.note },
  };
  return pulumi.jsonStringify({ widgets: [...graphs, note] });
}

/**
 * @example
 * sluiceDashboard('workers', model.dashboard, { clusterName, serviceName }, model.region, { parent: this });
 */
export function sluiceDashboard(
  name: string,
  dashboard: Dashboard,
  service: ServiceDimensions,
  region: string,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.Dashboard {
  return new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    { region, dashboardName: dashboard.name, dashboardBody: dashboardBody(dashboard, service, region) },
    opts,
  );
}
