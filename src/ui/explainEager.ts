// Importing this module registers the event explanations with the page. The page's build leaves explainLater.ts's import of it empty (vite.config.ts), so there they load with the engine.
import { layerOf } from '../store/stepKinds';
import { stepKindLabel } from '../store/stepKindNames';
import { commandText } from './explain';
import { categoriesOf, categoryOf, explainItem } from './feedContext';
import { registerExplainers } from './explainSlot';
import { fateShort } from './messageFate';

registerExplainers({
  categoryOf, categoriesOf, explainItem, commandText, fateShort,
  stepKindOf: (item) => {
    const layer = layerOf(item.e);
    return layer === 'other' || layer === 'any' ? 'other' : stepKindLabel(layer);
  },
});
