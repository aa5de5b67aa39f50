/**
 * dashboard.tf.json: the model's CloudWatch dashboard (src/deploy/aws/dashboard.ts)
 * as an aws_cloudwatch_dashboard: its graphs in order, two a row, each
 * line a metric or the model's metric math, the annotations as horizontal
 * lines, and the note as text under the graphs.
 */
import type { Dashboard } from '../aws/dashboard.ts';
import { dashboardMetrics } from './metrics.ts';
import { local, type QueueLabels, SERVICE } from './names.ts';
import { jsonDocument, type Value } from './template.ts';

const WIDTH = 12;
const HEIGHT = 6;
const COLUMNS = 2;

export function dashboardFile(dashboard: Dashboard, queues: QueueLabels): Record<string, Value> {
  const graphs = dashboard.widgets.map((w, i) => ({
    type: 'metric',
    x: (i % COLUMNS) * WIDTH,
    y: Math.floor(i / COLUMNS) * HEIGHT,
    width: WIDTH,
    height: HEIGHT,
    properties: {
      title: w.title,
      view: 'timeSeries',
      region: local.region,
      metrics: w.lines.flatMap((line, l) =>
        dashboardMetrics(line, queues, w.lines.length > 1 && line.expression !== undefined ? `l${l}_` : ''),
      ),
      ...(w.annotations.length > 0
        ? { annotations: { horizontal: w.annotations.map((a) => ({ label: a.label, value: a.value })) } }
        : {}),
    },
  }));
  const note = {
    type: 'text',
    x: 0,
    y: Math.ceil(graphs.length / COLUMNS) * HEIGHT,
    width: WIDTH * COLUMNS,
    height: 2,
    properties: { markdown: dashboard.note },
  };
  return {
    resource: {
      aws_cloudwatch_dashboard: {
        [SERVICE]: {
          dashboard_name: dashboard.name,
          dashboard_body: jsonDocument({ widgets: [...graphs, note] }),
        },
      },
    },
  };
}
