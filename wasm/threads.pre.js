// simdnn, threaded build only: lets web/load.js reach the pthread pool's workers. In Node it
// unrefs them, so a process exits once its own work is done instead of waiting on idle
// engine threads; the pool itself is started with the module and never grows.
Module['pthreadWorkers'] = function() {
  return PThread.unusedWorkers.concat(PThread.runningWorkers);
};
