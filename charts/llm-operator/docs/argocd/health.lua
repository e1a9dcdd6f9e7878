-- Argo CD health check for inference.llmoperator.dev/v1alpha1 ModelDeployment.
-- Argo CD sets the global `obj` to the live object and reads the returned table { status = ..., message = ... }.
-- The operator writes kstatus's Ready / Reconciling / Stalled plus RolledBack, each with observedGeneration, so the
-- verdict below agrees with Flux (kstatus): Healthy = Current, Progressing = InProgress, Degraded = Failed.
local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function messageOf(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return fallback
end

local function verdict(status, message)
  return { status = status, message = message }
end

-- A verdict about an older spec says nothing about the one in Git: wait until the operator has read it. The CRD
-- defaults status.observedGeneration to -1, so a resource nobody has reconciled yet reads back with -1.
local generation = obj.metadata.generation or 0
if obj.status == nil or obj.status.observedGeneration == nil or obj.status.observedGeneration < 0 then
  return verdict("Progressing", "Waiting for the operator to observe generation " .. generation)
end
if obj.status.observedGeneration < generation then
  return verdict("Progressing", "Waiting for the operator to observe generation " .. generation ..
    " (status describes generation " .. obj.status.observedGeneration .. ")")
end

-- Stalled: an invalid spec, a rollout past its progress deadline, or a rollback; nothing changes until the spec
-- does. RolledBack: the spec's revision is not the one serving. Then Reconciling, then Ready, in kstatus's order.
local stalled = condition("Stalled")
if isTrue(stalled) then return verdict("Degraded", messageOf(stalled, "Stalled")) end
local rolledBack = condition("RolledBack")
if isTrue(rolledBack) then return verdict("Degraded", messageOf(rolledBack, "Rolled back")) end
local reconciling = condition("Reconciling")
if isTrue(reconciling) then return verdict("Progressing", messageOf(reconciling, "Reconciling")) end
local ready = condition("Ready")
if isTrue(ready) then return verdict("Healthy", messageOf(ready, "Ready")) end
return verdict("Progressing", messageOf(ready, "Waiting for the Ready condition"))
