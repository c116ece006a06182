"""Result records, expectations and the gate, HTML report, comparison and Allure labels."""
