/** The model's dashboard as a CloudWatch dashboard: its graphs two a row, then its note. */
import { Dashboard, GraphWidget, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { Dashboard as ModelDashboard } from '../aws/dashboard.ts';
import { cdkMetric, type ServiceDimensions } from './metrics.ts';

/**
 * @example
 * sluiceDashboard(this, 'Dashboard', model.dashboard, { clusterName, serviceName });
 */
export function sluiceDashboard(
  scope: Construct,
  id: string,
  model: ModelDashboard,
  service: ServiceDimensions,
): Dashboard {
  const dashboard = new Dashboard(scope, id, { dashboardName: model.name });
  const graphs = model.widgets.map(
    (w) =>
      new GraphWidget({
        title: w.title,
        left: w.lines.map((line) => cdkMetric(line, service)),
        leftAnnotations: w.annotations.map((a) => ({ label: a.label, value: a.value })),
        width: 12,
      }),
  );
  for (let i = 0; i < graphs.length; i += 2) dashboard.addWidgets(...graphs.slice(i, i + 2));
  dashboard.addWidgets(new TextWidget({ markdown: model.note, width: 24, height: 2 }));
  return dashboard;
}
