// Importing this module starts the branch tree (store/branches.ts). The page's build leaves branchesLater.ts's import of it empty (vite.config.ts), so there it loads with the engine.
import './branches';
