"""Tests of shared/growth: conversion events, insights and analytics, the nightly intelligence."""
