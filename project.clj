;; JVM side of the streamparse topologies: the Storm version the cluster runs and the jars a topology
;; uber-jar carries. Storm 2.x; `sparse run` is not used (broken on Storm 2.x): scripts/storm drives local mode
;; and submission. Same Storm version as scripts/services/jvm/storm/pom.xml (2.8.3: see that file for why not 2.8.4).
(defproject snapmode "0.1.0-SNAPSHOT"
  :description "SnapMode crawler and imaging topologies"
  :source-paths ["topologies"]
  :resource-paths ["_resources"]
  :target-path "_build"
  :min-lein-version "2.0.0"
  :jvm-opts ["-client"]
  :dependencies [[org.apache.storm/storm-client "2.8.3"]
                 [org.apache.storm/flux-core "2.8.3"]
                 [org.apache.storm/multilang-python "2.8.3"]]
  :profiles {:provided {:dependencies [[org.apache.storm/storm-server "2.8.3"]]}})
