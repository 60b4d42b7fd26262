"""Guangdong Laser & AM Cluster Atlas — Streamlit entry point."""

import streamlit as st

from geo.regions import load_regions

st.set_page_config(page_title="广东激光与增材制造产业集群图谱", layout="wide")
st.title("广东激光与增材制造产业集群图谱")
regions = load_regions()
st.dataframe(regions.drop(columns="geometry"))
