#!/usr/bin/env sh
# Deploys a version: the namespace and settings, then the migration Job, waited for, then the
# Deployment rolled (its pods also wait until the database is at their version).
#   deploy/kubernetes/deploy.sh            # with ras-secrets already in the namespace
set -eu
here="$(dirname "$0")"
kubectl apply -f "$here/namespace.yaml"
kubectl -n ras get secret ras-secrets >/dev/null || {
  echo "Create the secret first: kubectl -n ras create secret generic ras-secrets --from-env-file=ras-secrets.env" >&2
  exit 1
}
# A Job's pod template cannot change: the last version's finished Job goes before this one runs.
kubectl -n ras delete job ras-migrate --ignore-not-found
kubectl kustomize "$here" | kubectl apply -f - --selector app.kubernetes.io/name=ras-migrate
kubectl -n ras wait --for=condition=complete --timeout=900s job/ras-migrate
kubectl apply -k "$here"
kubectl -n ras rollout status deployment/ras-api --timeout=600s
