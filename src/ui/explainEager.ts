// Importing this module registers the event explanations with the page. The page's build leaves explainLater.ts's import of it empty (vite.config.ts), so there they load with the engine.
import { commandText } from './explain';
import { categoriesOf, categoryOf, explainItem } from './feedContext';
import { registerExplainers } from './explainSlot';

registerExplainers({ categoryOf, categoriesOf, explainItem, commandText });
